import { open, type FileHandle } from "node:fs/promises";
import { TempgrantError } from "../../errors.js";
import type { LedgerEntry } from "./entry.js";
import { countLines, MAX_LEDGER_LINE_BYTES, parseStrictLedgerLine } from "./lines.js";

const CHUNK = 64 * 1024;

/**
 * The last entry of a ledger, read from the end of the file (appends stay fast however long
 * the ledger grows); null for an empty file. Throws INVALID_INPUT with file:line when the
 * last line is incomplete or not an entry: appending after it would chain onto garbage.
 */
export async function readTailEntry(
  handle: FileHandle,
  size: number,
  path: string,
): Promise<LedgerEntry | null> {
  if (size === 0) return null;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] !== 0x0a) {
    throw await lastLineError(path, "the last line is incomplete (an append was interrupted?)");
  }
  // Walk back from the final newline to the one before it.
  let end = size - 1;
  let text = Buffer.alloc(0);
  for (;;) {
    const start = Math.max(0, end - CHUNK);
    const chunk = Buffer.alloc(end - start);
    await handle.read(chunk, 0, chunk.length, start);
    text = Buffer.concat([chunk, text]);
    const newline = chunk.lastIndexOf(0x0a);
    if (newline >= 0) {
      text = text.subarray(newline + 1);
      break;
    }
    if (start === 0) break;
    if (text.length > MAX_LEDGER_LINE_BYTES)
      throw await lastLineError(path, `the last line is longer than ${MAX_LEDGER_LINE_BYTES} bytes`);
    end = start;
  }
  const parsed = parseStrictLedgerLine(text);
  if (!parsed.ok) throw await lastLineError(path, `not a ledger entry: ${parsed.why}`);
  return parsed.entry;
}

/** The head (last entry) of a ledger file; null when the file is missing or empty. */
export async function readLedgerHead(path: string): Promise<LedgerEntry | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new TempgrantError("INVALID_INPUT", `${path}: cannot read the ledger: ${(error as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory())
      throw new TempgrantError("INVALID_INPUT", `${path}: is a directory, not a ledger`);
    return await readTailEntry(handle, stat.size, path);
  } finally {
    await handle.close();
  }
}

/** Only on failure do we count lines, to name file:line. */
async function lastLineError(path: string, why: string): Promise<TempgrantError> {
  const count = await countLines(path);
  return new TempgrantError("INVALID_INPUT", `${path}:${count}: ${why}; run \`tempgrant audit verify\``);
}
