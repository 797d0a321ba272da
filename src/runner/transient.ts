import { TempgrantError } from "../errors.js";
import { CommandFailedError } from "../exec/run-command.js";
import { STATE_NOT_SAVED } from "./apply.js";
import { STATE_LOST, STATE_RESTORED } from "./state-guard.js";

/** Errors of an apply that already changed the infrastructure: never retried. */
const APPLIED_ONCE = new Set([STATE_NOT_SAVED, STATE_RESTORED, STATE_LOST]);

/**
 * Whether a failed engine command is worth retrying: the state lock was held past the lock
 * timeout, or a backend or provider could not be reached. The only place that reads an
 * engine's stderr for meaning, because the CLI has no structured signal for these.
 */
export function isTransientFailure(error: unknown): boolean {
  // The failed command may be wrapped (with the step's name) any number of times. An apply
  // whose state the backend did not take is never retried, though its cause reads like a
  // lost connection: the infrastructure already changed (see STATE_NOT_SAVED), nor one
  // whose lost state was put back (state-guard.ts).
  let current: unknown = error;
  while (current instanceof Error && !(current instanceof CommandFailedError)) {
    if (current instanceof TempgrantError && APPLIED_ONCE.has(current.code)) return false;
    current = current.cause;
  }
  if (!(current instanceof CommandFailedError)) return false;
  const text = `${current.result.stderr}\n${current.result.stdout}`;
  return TRANSIENT.some((pattern) => pattern.test(text));
}

const TRANSIENT = [
  /Error acquiring the state lock/i,
  /connection refused/i,
  /could not connect to server/i,
  /the database system is (starting up|shutting down)/i,
  /i\/o timeout/i,
  /connection reset by peer/i,
];

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Attempts after the first; default 3. */
  readonly retries?: number;
  /** First delay in milliseconds, doubled each time; default 2000. */
  readonly baseDelayMs?: number;
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/** Runs `work`, retrying transient failures with exponential backoff a bounded number of times. */
export async function withRetries<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 3;
  const base = options.baseDelayMs ?? 2_000;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= retries || !isTransientFailure(error)) throw error;
      const delay = base * 2 ** attempt;
      options.onRetry?.(attempt + 1, delay, error);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Whether an apply failed because the saved plan no longer matches the state (someone else applied first). */
export function isStalePlan(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error && !(current instanceof CommandFailedError)) current = current.cause;
  return current instanceof CommandFailedError && /Saved plan is stale/i.test(current.result.stderr);
}
