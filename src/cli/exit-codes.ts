import { TempgrantError } from "../errors.js";
import type { RunStatus } from "../run-status.js";

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

const EXIT_FOR_STATUS: Readonly<Record<RunStatus, number>> = {
  ok: EXIT.OK,
  pending: EXIT.PENDING,
  degraded: EXIT.DEGRADED,
  usage: EXIT.USAGE,
  failed: EXIT.FAILURE,
};

/** The exit code of a run's status (the result decides the status: src/run-status.ts). */
export function exitCodeForStatus(status: RunStatus): number {
  return EXIT_FOR_STATUS[status];
}

/** The status the command's action returned; `ok` for an action that returns none. */
let reportedStatus: RunStatus = "ok";

/**
 * A command's action whose returned status becomes the exit code: commands return what their
 * result says, and only main.ts exits, through {@link exitCodeForStatus}.
 */
export function statusAction<This, Args extends unknown[]>(
  run: (this: This, ...args: Args) => Promise<RunStatus | void>,
): (this: This, ...args: Args) => Promise<void> {
  // commander calls an action with the command as `this`: pass it on.
  return async function (this: This, ...args: Args) {
    reportedStatus = (await run.apply(this, args)) ?? "ok";
  };
}

/** What the command that ran returned (see {@link statusAction}). */
export function commandStatus(): RunStatus {
  return reportedStatus;
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
