import { describe, expect, it } from "vitest";
import { AUTHOR, githubReviews, type ReviewSpec } from "../../test/support/github-reviews.js";
import { checkReviews, parsePullRequestReviews } from "./pull-request-reviews.js";

const ACCOUNTS = {
  "5001": "bob@example.com",
  "5002": "carol@example.com",
  [String(AUTHOR.id)]: "alice@example.com",
};
const outcomes = (reviews: ReviewSpec[], accounts: Record<string, string> = ACCOUNTS) =>
  checkReviews(parsePullRequestReviews(JSON.stringify(githubReviews(reviews)), "reviews.json"), accounts).map(
    ({ outcome }) => (outcome.ok ? `${outcome.person}: counts` : `${outcome.person}: ${outcome.reason}`),
  );

describe("pull-request reviews as evidence (GitHub REST shapes)", () => {
  it("counts the latest APPROVED review of the head commit by a mapped account other than the author", () => {
    expect(outcomes([{ id: 1, user: "bob", userId: 5001, state: "APPROVED", commit: "head" }])).toEqual([
      "bob@example.com: counts",
    ]);
  });

  it("voids an approval of an older commit: a push after the approval", () => {
    expect(outcomes([{ id: 2, user: "bob", userId: 5001, state: "APPROVED", commit: "old" }])).toEqual([
      `bob@example.com: review 2 by bob approves commit ${"0".repeat(40)}, not the head ${"1".repeat(40)}: a push after the approval voids it`,
    ]);
  });

  it("voids an approval that was dismissed, or followed by a request for changes", () => {
    expect(
      outcomes([
        { id: 3, user: "bob", userId: 5001, state: "APPROVED", commit: "head" },
        { id: 4, user: "bob", userId: 5001, state: "DISMISSED", commit: "head" },
        { id: 5, user: "carol", userId: 5002, state: "APPROVED", commit: "head" },
        { id: 6, user: "carol", userId: 5002, state: "CHANGES_REQUESTED", commit: "head" },
      ]),
    ).toEqual([
      "bob@example.com: review 4 by bob: the latest review is DISMISSED, which voids the approval",
      "carol@example.com: review 6 by carol: the latest review is CHANGES_REQUESTED, which voids the approval",
    ]);
  });

  it("keeps an approval followed by a comment or a pending review, as GitHub does", () => {
    expect(
      outcomes([
        { id: 7, user: "bob", userId: 5001, state: "APPROVED", commit: "head" },
        { id: 8, user: "bob", userId: 5001, state: "COMMENTED", commit: "head" },
        { id: 9, user: "bob", userId: 5001, state: "PENDING", commit: "head" },
      ]),
    ).toEqual(["bob@example.com: counts"]);
  });

  it("never counts the author approving their own pull request", () => {
    expect(
      outcomes([{ id: 10, user: AUTHOR.login, userId: AUTHOR.id, state: "APPROVED", commit: "head" }]),
    ).toEqual(["alice@example.com: review 10 by alice-gh: the pull request's author cannot approve it"]);
  });

  it("goes by the numeric id: a renamed login still counts, a login alone never does", () => {
    // bob renamed his account: same id, new login.
    expect(
      outcomes([{ id: 11, user: "bob-renamed", userId: 5001, state: "APPROVED", commit: "head" }]),
    ).toEqual(["bob@example.com: counts"]);
    // Someone took the login "bob" under another account: not in the identity table.
    expect(outcomes([{ id: 12, user: "bob", userId: 7777, state: "APPROVED", commit: "head" }])).toEqual([
      "GitHub account bob (id 7777): review 12 by bob: GitHub id 7777 is not in approvals.githubAccounts (a login alone is never trusted)",
    ]);
  });

  it("orders by submitted_at, not by list position", () => {
    expect(
      outcomes([
        { id: 14, user: "bob", userId: 5001, state: "CHANGES_REQUESTED", commit: "head", minute: 10 },
        { id: 13, user: "bob", userId: 5001, state: "APPROVED", commit: "head", minute: 20 },
      ]),
    ).toEqual(["bob@example.com: counts"]);
  });

  it("refuses a document that is not the wrapper, naming the field", () => {
    const parse = (value: unknown) => () => parsePullRequestReviews(JSON.stringify(value), "reviews.json");
    expect(parse([])).toThrow("reviews.json: must be an object");
    const good = githubReviews([{ id: 1, user: "bob", userId: 5001, state: "APPROVED", commit: "head" }]);
    expect(parse({ ...good, reviews: {} })).toThrow(
      "reviews.json reviews: must be the list GET pulls/N/reviews returns",
    );
    expect(parse({ ...good, pull: { ...(good.pull as object), head: {} } })).toThrow(
      "reviews.json pull.head.sha: must be a string, not undefined",
    );
    expect(() => parsePullRequestReviews("{", "reviews.json")).toThrow(/reviews.json: not JSON/);
  });

  it("reads the file as strictly as a plan: a repeated key or a lone surrogate is bad input", () => {
    const good = JSON.stringify(
      githubReviews([{ id: 1, user: "bob", userId: 5001, state: "CHANGES_REQUESTED", commit: "head" }]),
    );
    // JSON.parse keeps the last "state": one reader would see an approval, another would not.
    const twice = good.replace(
      '"state":"CHANGES_REQUESTED"',
      '"state":"CHANGES_REQUESTED","state":"APPROVED"',
    );
    expect(() => parsePullRequestReviews(twice, "reviews.json")).toThrow(
      /^reviews.json: duplicate key "state" at line 1, column \d+$/,
    );
    const lone = good.replace('"login":"bob"', '"login":"bob\\ud800"');
    expect(lone).not.toBe(good);
    expect(() => parsePullRequestReviews(lone, "reviews.json")).toThrow(
      /^reviews.json: an escaped lone surrogate/,
    );
  });
});
