/**
 * How a run ended, as its result says: the pipelines (`src/apply/`, `src/sweep/`) and the
 * commands return one, and src/cli/exit-codes.ts maps each to an exit code, in one place (as
 * conftest maps its results). Most serious first:
 * - `failed`: the work failed (a check found denials, a plan, apply, verification or ledger append failed);
 * - `usage`: the command line or an input was wrong, found late, and nothing else went wrong;
 * - `degraded`: the sweep revoked from the state alone; the status of some grants is unknown;
 * - `pending`: the sweep's revocations are done, other changes wait for `tempgrant apply`;
 * - `ok`: everything asked for was done.
 */
export type RunStatus = "ok" | "pending" | "degraded" | "usage" | "failed";

/** `failed` when a check found any denial, else `ok`: the status of `check`, `plan`, and a denied `apply`. */
export function checkStatus(
  reports: readonly { readonly verdicts: { readonly deny: readonly unknown[] } }[],
): RunStatus {
  return reports.some((report) => report.verdicts.deny.length > 0) ? "failed" : "ok";
}
