import { InvalidInputError } from "./problem.js";
import { parseTimestamp } from "./time.js";

/** The one clock of a run: an instant in whole UTC epoch seconds, and where it came from. */
export interface Clock {
  readonly now: number;
  /** The flag that gave it (`--now`, or `--at` where a command calls it that), TEMPGRANT_NOW or the system clock. */
  readonly source: `--${string}` | "TEMPGRANT_NOW" | "system";
}

/**
 * Resolves the run's clock once: `--now`, else `TEMPGRANT_NOW`, else the system clock read
 * a single time and truncated to the second. Everything in a run (synthesis, policy input,
 * ledger) uses this one value. A bad value is named by `flag`, the option the user typed.
 */
export function resolveClock(
  option?: string,
  env: NodeJS.ProcessEnv = process.env,
  flag: `--${string}` = "--now",
): Clock {
  const [text, source] =
    option !== undefined
      ? [option, flag]
      : env.TEMPGRANT_NOW
        ? [env.TEMPGRANT_NOW, "TEMPGRANT_NOW" as const]
        : [undefined, "system" as const];
  if (text === undefined) return { now: Math.floor(Date.now() / 1000), source };
  const parsed = parseTimestamp(text);
  if (!parsed.ok)
    throw new InvalidInputError(source, [{ path: "", code: parsed.code, message: parsed.message }]);
  return { now: parsed.instant.seconds, source };
}
