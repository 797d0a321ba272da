import { setTimeout as delay } from "node:timers/promises";
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

/** A lock held: release it when done; `compromised` says whether it was taken from us meanwhile. */
export interface AcquiredLock extends HeldLock {
  readonly release: () => Promise<void>;
}

/** How {@link acquireDirectoryLock} waits and what it says when it gives up. */
export interface DirectoryLockOptions {
  readonly waitMs: number;
  readonly staleMs: number;
  /** The message when another process held the lock for all of `waitMs`. */
  readonly heldMessage: string;
  /** What the lock guards, for the message when it cannot be made at all. */
  readonly what: string;
  /** Lock `path` as given (it need not exist) instead of its real path. */
  readonly realpath?: boolean;
}

/**
 * Takes the lock `<path>.lock`, a directory made atomically with mkdir (works across
 * processes, and on NFS), waiting with jittered backoff up to `waitMs`. proper-lockfile
 * refreshes it every `staleMs / 2` while held and removes it on exit, Ctrl-C and SIGTERM;
 * after SIGKILL it stays until it is stale. The ledger's lock and the project's run lock.
 */
export async function acquireDirectoryLock(
  path: string,
  options: DirectoryLockOptions,
): Promise<AcquiredLock> {
  const deadline = Date.now() + options.waitMs;
  let compromised: Error | undefined;
  let pause = 1;
  for (;;) {
    try {
      const release = await lock(path, {
        stale: options.staleMs,
        retries: 0,
        realpath: options.realpath ?? true,
        // The default throws from a timer and kills the process; record it and refuse to write instead.
        onCompromised: (error) => {
          compromised = error;
        },
      });
      return { release, compromised: () => compromised };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") {
        throw new TempgrantError(
          "LEDGER_LOCK",
          `${path}: cannot lock the ${options.what}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      if (Date.now() >= deadline) throw new TempgrantError("LEDGER_LOCKED", options.heldMessage);
      // Jittered, growing pauses: many appenders spread out instead of retrying in step.
      await delay(Math.random() * pause);
      pause = Math.min(pause * 1.5, 50);
    }
  }
}

/**
 * Runs `work` holding the ledger's lock (see {@link acquireDirectoryLock}), waiting up to
 * `waitMs`. The ledger file must exist (the lock resolves its real path).
 */
export async function withLedgerLock<T>(
  path: string,
  work: (held: HeldLock) => Promise<T>,
  options: { readonly waitMs?: number } = {},
): Promise<T> {
  const waitMs = options.waitMs ?? LEDGER_LOCK.waitMs;
  const held = await acquireDirectoryLock(path, {
    waitMs,
    staleMs: LEDGER_LOCK.staleMs,
    what: "ledger",
    heldMessage:
      `${path}: the ledger lock ${path}.lock was held by another process for ${waitMs / 1000} s; ` +
      "if no tempgrant runs, remove that directory (see docs/audit.md)",
  });
  try {
    return await work(held);
  } finally {
    if (!held.compromised()) await held.release().catch(() => {});
  }
}
