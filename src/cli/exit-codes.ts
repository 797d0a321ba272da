import { TempgrantError } from "../errors.js";

/**
 * The one table of exit codes. Commands return results; only the CLI layer exits, and it
 * maps through here. Documented in README ("Exit codes") and in each command's --help.
 */
export const EXIT = {
  /** Everything asked for was done; a check passed. */
  OK: 0,
  /** The command ran and failed: a build, a plan or an apply failed, or a check found denials. */
  FAILURE: 1,
  /** The command line or an input file is wrong; nothing was done. */
  USAGE: 2,
  /** tempgrant itself failed: the policy bundle did not load or evaluate, or a bug. */
  INTERNAL: 3,
  /** sweep: every due revocation was applied and verified, but other changes are pending. */
  PENDING: 4,
  /**
   * sweep: degraded. The app could not give a stack's configuration (it failed, hung, or lost
   * the stack) or the plan failed, so the sweep revoked from the state alone: every grant
   * expired at the clock is revoked and verified, but grants removed from the code may not be.
   */
  DEGRADED: 5,
} as const;

/** The exit code of a sweep's status (src/sweep/run-sweep.ts decides the status). */
export function exitCodeForSweep(status: "ok" | "pending" | "degraded" | "usage" | "failed"): number {
  return {
    ok: EXIT.OK,
    pending: EXIT.PENDING,
    degraded: EXIT.DEGRADED,
    usage: EXIT.USAGE,
    failed: EXIT.FAILURE,
  }[status];
}

const USAGE_CODES = new Set(["USAGE", "INVALID_INPUT"]);
const INTERNAL_CODES = new Set(["POLICY_LOAD", "POLICY_EVAL", "INTERNAL"]);

/** The exit code for an error that reached the top of a command. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof TempgrantError)) return EXIT.INTERNAL;
  if (USAGE_CODES.has(error.code)) return EXIT.USAGE;
  if (INTERNAL_CODES.has(error.code)) return EXIT.INTERNAL;
  return EXIT.FAILURE;
}
