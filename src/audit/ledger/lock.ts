import { setTimeout as delay } from "node:timers/promises";
import { formatDuration } from "../../grant/duration.js";
import { lock } from "proper-lockfile";
import { TempgrantError } from "../../errors.js";

/** How the ledger lock behaves; see docs/audit.md ("The lock"). */
export const LEDGER_LOCK = {
  /**
   * A lock whose holder has not refreshed it for this long is taken over. The holder
   * refreshes it every 5 s (half of this) while it works, and an append holds it for
   * milliseconds, so only a dead (SIGKILL, power loss) or frozen holder goes stale.
   */
  staleMs: 10_000,
  /** How long an append waits for the lock: longer than a stale takeover, so a dead holder never fails an append. */
  waitMs: 30_000,
} as const;

/** What the work done under the lock can ask. */
export interface HeldLock {
  /** Set when the lock was taken from us (we froze past the stale time): do not write. */
  readonly compromised: () => Error | undefined;
}

/**
 * Runs `work` holding the ledger's lock, a directory `<ledger>.lock` made atomically with
 * mkdir (works across processes, and on NFS). Waits with jittered backoff up to `waitMs`.
 * The lock is removed on release, on normal exit and on SIGINT/SIGTERM; after SIGKILL it
 * stays until it is stale. The ledger file must exist (the lock resolves its real path).
 */
export async function withLedgerLock<T>(
  path: string,
  work: (held: HeldLock) => Promise<T>,
  options: { readonly waitMs?: number } = {},
): Promise<T> {
  const waitMs = options.waitMs ?? LEDGER_LOCK.waitMs;
  const deadline = Date.now() + waitMs;
  let compromised: Error | undefined;
  let pause = 1;
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lock(path, {
        stale: LEDGER_LOCK.staleMs,
        retries: 0,
        // The default throws from a timer and kills the process; record it and refuse to write instead.
        onCompromised: (error) => {
          compromised = error;
        },
      });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") {
        throw new TempgrantError(
          "LEDGER_LOCK",
          `${path}: cannot lock the ledger: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      if (Date.now() >= deadline) {
        throw new TempgrantError(
          "LEDGER_LOCKED",
          `${path}: the ledger lock ${path}.lock was held by another process for ${formatDuration(Math.round(waitMs / 1000))}; ` +
            "if no tempgrant runs, remove that directory (see docs/audit.md)",
        );
      }
      // Jittered, growing pauses: many appenders spread out instead of retrying in step.
      await delay(Math.random() * pause);
      pause = Math.min(pause * 1.5, 50);
    }
  }
  try {
    return await work({ compromised: () => compromised });
  } finally {
    if (!compromised) await release().catch(() => {});
  }
}
