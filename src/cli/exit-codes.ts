import { TempgrantError } from "../errors.js";

/**
 * The one table of exit codes. Commands return results; only the CLI layer exits, and it
 * maps through here. Documented in README ("Exit codes").
 */
export const EXIT = {
  /** Everything asked for was done. */
  OK: 0,
  /** The command ran and failed (a build, a plan, an apply, a check). */
  FAILURE: 1,
  /** The command line or an input file is wrong; nothing was done. */
  USAGE: 2,
} as const;

/** Error codes that mean "the input was wrong", as opposed to "the work failed". */
const USAGE_CODES = new Set(["USAGE", "INVALID_INPUT"]);

/** The exit code for an error that reached the top of a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof TempgrantError && USAGE_CODES.has(error.code)) return EXIT.USAGE;
  return EXIT.FAILURE;
}
