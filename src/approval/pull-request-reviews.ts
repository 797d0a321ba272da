import { quoteValue } from "../errors.js";
import { InvalidInputError } from "../grant/problem.js";
import { strictJsonProblem } from "../plan/strict-json.js";
import type { EvidenceOutcome } from "./signature-evidence.js";

/**
 * Pull-request reviews as approval evidence. The input is a small wrapper around two answers
 * of GitHub's REST API, as CI fetches them with its token:
 *
 *     { "pull": <GET /repos/{owner}/{repo}/pulls/{number}>,
 *       "reviews": <GET /repos/{owner}/{repo}/pulls/{number}/reviews> }
 *
 * Only the documented fields are read: pull.user.id, pull.head.sha; each review's id,
 * user.id, user.login, state, commit_id and submitted_at. A review counts for a person when:
 * it is the reviewer's latest review that sets a verdict (APPROVED, CHANGES_REQUESTED or
 * DISMISSED; a COMMENTED review leaves an approval standing, as on GitHub); it is APPROVED;
 * its commit_id is the pull request's head (a push after the approval voids it); the reviewer
 * is not the author (compared by numeric id); and the reviewer's numeric id is in
 * approvals.githubAccounts (never the login alone: logins can be renamed and reused).
 */
export interface PullRequestReviews {
  readonly source: string;
  readonly authorId: number;
  readonly headSha: string;
  readonly reviews: readonly Review[];
}

/** One review, as read. */
export interface Review {
  readonly id: number;
  readonly userId: number;
  readonly login: string;
  readonly state: string;
  readonly commitId: string | null;
  readonly submittedAt: string | null;
}

/** A review that approves the head commit, for the ledger. */
export interface ReviewEvidence {
  readonly kind: "review";
  readonly reviewId: number;
  readonly githubId: number;
  readonly login: string;
  readonly commit: string;
  readonly submittedAt: string | null;
}

/** Reads the wrapper; a shape other than GitHub's is bad input naming the field. */
export function parsePullRequestReviews(json: string, source: string): PullRequestReviews {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw bad(source, "", `not JSON: ${(error as Error).message}`);
  }
  // Read as the plan is: a repeated key (JSON.parse keeps the last, so a second "state" could
  // turn a review into an approval for one reader only) or a lone surrogate is refused.
  const strict = strictJsonProblem(json);
  if (strict) throw bad(source, "", `${strict.message} at line ${strict.line}, column ${strict.column}`);
  const root = object(raw, source, "");
  const pull = object(root.pull, source, "pull");
  const author = object(pull.user, source, "pull.user");
  const head = object(pull.head, source, "pull.head");
  if (!Array.isArray(root.reviews))
    throw bad(source, "reviews", "must be the list GET pulls/N/reviews returns");
  const reviews = root.reviews.map((item, index): Review => {
    const at = `reviews[${index}]`;
    const review = object(item, source, at);
    const user = object(review.user, source, `${at}.user`);
    return {
      id: integer(review.id, source, `${at}.id`),
      userId: integer(user.id, source, `${at}.user.id`),
      login: text(user.login, source, `${at}.user.login`),
      state: text(review.state, source, `${at}.state`),
      commitId: review.commit_id === null ? null : text(review.commit_id, source, `${at}.commit_id`),
      submittedAt:
        review.submitted_at === undefined || review.submitted_at === null
          ? null
          : text(review.submitted_at, source, `${at}.submitted_at`),
    };
  });
  return {
    source,
    authorId: integer(author.id, source, "pull.user.id"),
    headSha: text(head.sha, source, "pull.head.sha"),
    reviews,
  };
}

/** The states that set a reviewer's verdict; COMMENTED and PENDING do not. */
const VERDICT_STATES = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);

/** Each reviewer's outcome: who counts (with the review that makes them), who does not and why. */
export function checkReviews(
  reviews: PullRequestReviews,
  accounts: Readonly<Record<string, string>>,
): { outcome: EvidenceOutcome; evidence?: ReviewEvidence }[] {
  const latest = new Map<number, Review>();
  const approvedOnce = new Set<number>();
  // GitHub lists reviews oldest first; submitted_at orders them when both have one.
  const ordered = [...reviews.reviews].sort(
    (a, b) =>
      (a.submittedAt && b.submittedAt ? Date.parse(a.submittedAt) - Date.parse(b.submittedAt) : 0) ||
      a.id - b.id,
  );
  for (const review of ordered) {
    if (review.state === "APPROVED") approvedOnce.add(review.userId);
    if (VERDICT_STATES.has(review.state)) latest.set(review.userId, review);
  }
  const results: { outcome: EvidenceOutcome; evidence?: ReviewEvidence }[] = [];
  for (const [userId, review] of latest) {
    // Only reviewers who approved at some point: the others never claimed to approve.
    if (!approvedOnce.has(userId)) continue;
    const person = Object.hasOwn(accounts, String(userId)) ? accounts[String(userId)]! : undefined;
    const who = person ?? `GitHub account ${review.login} (id ${userId})`;
    const fail = (reason: string) => results.push({ outcome: { ok: false, person: who, reason } });
    const named = `review ${review.id} by ${review.login}`;
    if (review.state !== "APPROVED")
      fail(`${named}: the latest review is ${review.state}, which voids the approval`);
    else if (review.commitId !== reviews.headSha)
      fail(
        `${named} approves commit ${review.commitId ?? "(none)"}, not the head ${reviews.headSha}: a push after the approval voids it`,
      );
    else if (userId === reviews.authorId) fail(`${named}: the pull request's author cannot approve it`);
    else if (person === undefined)
      fail(
        `${named}: GitHub id ${userId} is not in approvals.githubAccounts (a login alone is never trusted)`,
      );
    else
      results.push({
        outcome: { ok: true, person },
        evidence: {
          kind: "review",
          reviewId: review.id,
          githubId: userId,
          login: review.login,
          commit: reviews.headSha,
          submittedAt: review.submittedAt,
        },
      });
  }
  return results;
}

function bad(source: string, path: string, message: string): InvalidInputError {
  return new InvalidInputError(source, [{ path, code: "REVIEWS_INVALID", message }]);
}

function object(value: unknown, source: string, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw bad(source, path, "must be an object (see docs/approvals.md for the shape)");
  return value as Record<string, unknown>;
}

function integer(value: unknown, source: string, path: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value))
    throw bad(source, path, `must be a number, not ${quoteValue(value)}`);
  return value;
}

function text(value: unknown, source: string, path: string): string {
  if (typeof value !== "string") throw bad(source, path, `must be a string, not ${quoteValue(value)}`);
  return value;
}
