/**
 * GitHub REST API answers, shaped as GitHub documents them ("Get a pull request" and "List
 * reviews for a pull request"), wrapped as `tempgrant check --reviews` reads them:
 * `{ "pull": <GET pulls/N>, "reviews": <GET pulls/N/reviews> }`. Commits are named: `head`
 * is the pull request's head sha, `old` an earlier commit.
 */
export const COMMITS = { head: "1".repeat(40), old: "0".repeat(40) } as const;

/** The pull request's author. */
export const AUTHOR = { login: "alice-gh", id: 4001 } as const;

/** One review as a test states it. */
export interface ReviewSpec {
  readonly id: number;
  readonly user: string;
  readonly userId: number;
  readonly state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  readonly commit: keyof typeof COMMITS;
  /** Minutes after 09:00 on 2027-01-12; default: the review's position. */
  readonly minute?: number;
}

const REPO = "https://api.github.com/repos/example/grants";

function user(login: string, id: number) {
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: "User",
    site_admin: false,
  };
}

/** The wrapper with the pull request (#42, head `head`) and the reviews, oldest first. */
export function githubReviews(reviews: readonly ReviewSpec[]): { pull: unknown; reviews: unknown[] } {
  return {
    pull: {
      url: `${REPO}/pulls/42`,
      id: 1_900_000_042,
      node_id: "PR_kwDOexample42",
      html_url: "https://github.com/example/grants/pull/42",
      number: 42,
      state: "open",
      locked: false,
      title: "Grant alice read access to ledger-db",
      user: user(AUTHOR.login, AUTHOR.id),
      body: "FIN-12",
      created_at: "2027-01-12T08:30:00Z",
      updated_at: "2027-01-12T09:30:00Z",
      head: {
        label: "example:alice-ledger",
        ref: "alice-ledger",
        sha: COMMITS.head,
        user: user("example", 9000),
      },
      base: { label: "example:main", ref: "main", sha: "2".repeat(40), user: user("example", 9000) },
      author_association: "MEMBER",
      draft: false,
      merged: false,
    },
    reviews: reviews.map((review, index) => ({
      id: review.id,
      node_id: `PRR_kwDOexample${review.id}`,
      user: user(review.user, review.userId),
      body: review.state === "APPROVED" ? "LGTM" : "",
      state: review.state,
      html_url: `https://github.com/example/grants/pull/42#pullrequestreview-${review.id}`,
      pull_request_url: `${REPO}/pulls/42`,
      author_association: "MEMBER",
      _links: {
        html: { href: `https://github.com/example/grants/pull/42#pullrequestreview-${review.id}` },
        pull_request: { href: `${REPO}/pulls/42` },
      },
      // A pending review has no submitted_at yet.
      ...(review.state === "PENDING"
        ? {}
        : { submitted_at: `2027-01-12T09:${String(review.minute ?? index).padStart(2, "0")}:00Z` }),
      commit_id: COMMITS[review.commit],
    })),
  };
}
