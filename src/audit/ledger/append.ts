import { open, type FileHandle } from "node:fs/promises";
import { makeDirectory } from "../../exec/make-directory.js";
import { dirname } from "node:path";
import { TempgrantError } from "../../errors.js";
import { formatTimestamp } from "../../grant/time.js";
import {
  GENESIS_PREV,
  LEDGER_EVENT_VERSION,
  type LedgerEntry,
  type LedgerEvent,
  type LedgerFields,
} from "./entry.js";
import { entryHash } from "./entry-hash.js";
import { withLedgerLock } from "./lock.js";
import { readTailEntry } from "./tail.js";

/** Options of {@link appendLedgerEvent}. */
export interface AppendOptions {
  /** The wall clock in epoch seconds, read at the append; for tests. Default: the system clock. */
  readonly clock?: () => number;
  /** How long to wait for the lock; default {@link LEDGER_LOCK}.waitMs. */
  readonly lockWaitMs?: number;
}

/**
 * An event as this tempgrant writes it: a plain JSON value, so the hash covers exactly what
 * the line holds (no undefined, no toJSON), its version stamped after the type, whatever was
 * given. An event the ledger refused is printed in the same form, so it can be appended later.
 */
export function stampedEvent(event: LedgerEvent): LedgerEvent {
  const { type, version: _given, ...fields } = JSON.parse(JSON.stringify(event)) as LedgerEvent;
  return { type, version: LEDGER_EVENT_VERSION, ...fields } as LedgerEvent;
}

/**
 * Appends one event to the ledger (creating it and its folder if needed) and returns the
 * entry written. Under the lock: read the last entry from the tail, chain onto it, write one
 * line with O_APPEND, fsync. A failed write is cut back off, so the file never keeps half a line.
 */
export async function appendLedgerEvent(
  path: string,
  event: LedgerEvent,
  options: AppendOptions = {},
): Promise<LedgerEntry> {
  const body = stampedEvent(event);
  try {
    makeDirectory(dirname(path));
    // The lock resolves the ledger's real path, so the file must exist first ("a" never truncates).
    await (await open(path, "a")).close();
  } catch (error) {
    throw new TempgrantError(
      "INVALID_INPUT",
      `${path}: cannot create the ledger: ${(error as Error).message}`,
    );
  }
  return withLedgerLock(
    path,
    async (held) => {
      const handle = await open(path, "a+");
      try {
        const { size } = await handle.stat();
        const tail = await readTailEntry(handle, size, path);
        const fields: LedgerFields = {
          seq: (tail?.seq ?? 0) + 1,
          prev: tail?.hash ?? GENESIS_PREV,
          at: formatTimestamp((options.clock ?? (() => Math.floor(Date.now() / 1000)))()),
          event: body,
        };
        const entry: LedgerEntry = { ...fields, hash: entryHash(fields) };
        const bytes = Buffer.from(`${JSON.stringify(entry)}\n`, "utf8");
        // Belt and braces: if we froze past the stale time and someone else appended, our
        // seq is already taken; fail loudly rather than fork the chain.
        if (held.compromised() || (await handle.stat()).size !== size) {
          throw new TempgrantError(
            "LEDGER_LOCK",
            `${path}: the ledger changed while this append held the lock (taken over as stale, or written ` +
              "without it); nothing written, run it again and then `tempgrant audit verify`",
          );
        }
        try {
          await writeAll(handle, bytes);
          await handle.sync();
        } catch (error) {
          await handle.truncate(size).catch(() => {});
          throw new TempgrantError(
            "LEDGER_WRITE",
            `${path}: cannot append to the ledger: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
        if (size === 0) await syncDirectory(dirname(path));
        return entry;
      } finally {
        await handle.close();
      }
    },
    options.lockWaitMs !== undefined ? { waitMs: options.lockWaitMs } : {},
  );
}

/** One write is one syscall for any line we produce, but a short write must not leave half a line. */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    offset += bytesWritten;
  }
}

/** A new file's name is durable only once its folder is synced. Not every platform allows it. */
async function syncDirectory(path: string): Promise<void> {
  try {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort: the entry itself is already fsynced
  }
}
