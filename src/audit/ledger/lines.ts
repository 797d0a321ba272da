import { isUtf8 } from "node:buffer";
import { createReadStream, statSync } from "node:fs";
import { TempgrantError } from "../../errors.js";
import { strictJsonProblem } from "../../grant/strict-json.js";
import { parseLedgerLine, type ParsedLine } from "./entry.js";

/**
 * The longest line a ledger may hold, in bytes (newline excluded): far above any event
 * tempgrant writes (a sweep of a few thousand grants), low enough that a reader's memory
 * stays bounded. A longer line is a bad line, never read whole. See docs/audit.md.
 */
export const MAX_LEDGER_LINE_BYTES = 1024 * 1024;

/** One line of a ledger file: its 1-based number, the entry it holds or why not, and whether a newline ended it. */
export interface LedgerLine {
  readonly line: number;
  readonly parsed: ParsedLine;
  /** False only for a last line without its newline: an interrupted or hand-made write. */
  readonly complete: boolean;
}

/**
 * Checks that a ledger file can be read and is not empty, or throws INVALID_INPUT naming it.
 * A missing ledger is an error for readers: there is nothing to vouch for.
 */
export function requireLedgerFile(path: string): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory())
      throw new TempgrantError("INVALID_INPUT", `${path}: is a directory, not a ledger`);
    size = stat.size;
  } catch (error) {
    if (error instanceof TempgrantError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new TempgrantError(
      "INVALID_INPUT",
      `${path}: ${code === "ENOENT" ? "no such file (no ledger has been written there)" : (error as Error).message}`,
    );
  }
  if (size === 0) throw new TempgrantError("INVALID_INPUT", `${path}: empty file, not a ledger`);
}

/**
 * The one strict reading of a ledger line, for every reader (verify, who, report, export, the
 * tail an append chains onto): UTF-8, at most {@link MAX_LEDGER_LINE_BYTES}, JSON with no
 * repeated key, no number outside what a double holds exactly, no deep nesting, then the
 * entry's shape ({@link parseLedgerLine}). Anything else is a bad line, with the reason.
 */
export function parseStrictLedgerLine(bytes: Buffer): ParsedLine {
  if (bytes.length > MAX_LEDGER_LINE_BYTES) return tooLong();
  if (!isUtf8(bytes)) return { ok: false, why: "not UTF-8 text" };
  const text = bytes.toString("utf8");
  const parsed = parseLedgerLine(text);
  if (!parsed.ok) return parsed;
  const problem = strictJsonProblem(text, { exactNumbers: true });
  return problem ? { ok: false, why: `${problem.message} (column ${problem.column})` } : parsed;
}

function tooLong(): ParsedLine {
  return { ok: false, why: `longer than ${MAX_LEDGER_LINE_BYTES} bytes, the limit of a ledger line` };
}

/**
 * Streams a ledger's lines, each read strictly ({@link parseStrictLedgerLine}): a long ledger is
 * never held whole, and no line is held past {@link MAX_LEDGER_LINE_BYTES}.
 */
export async function* ledgerLines(path: string): AsyncGenerator<LedgerLine> {
  let pieces: Buffer[] = [];
  let size = 0;
  let overLimit = false;
  let line = 0;
  const take = (piece: Buffer) => {
    if (overLimit || piece.length === 0) return;
    size += piece.length;
    if (size > MAX_LEDGER_LINE_BYTES) {
      overLimit = true;
      pieces = [];
    } else pieces.push(piece);
  };
  const emit = (complete: boolean): LedgerLine => {
    const parsed = overLimit ? tooLong() : parseStrictLedgerLine(Buffer.concat(pieces, size));
    pieces = [];
    size = 0;
    overLimit = false;
    return { line: ++line, parsed, complete };
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    const bytes = chunk as Buffer;
    let start = 0;
    for (let newline = bytes.indexOf(0x0a); newline >= 0; newline = bytes.indexOf(0x0a, start)) {
      take(bytes.subarray(start, newline));
      yield emit(true);
      start = newline + 1;
    }
    take(bytes.subarray(start));
  }
  if (size > 0 || overLimit) yield emit(false);
}

/** How many lines a file has (a last line without its newline counts), reading it in chunks. */
export async function countLines(path: string): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    const bytes = chunk as Buffer;
    for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) lines += 1;
    if (bytes.length > 0) last = bytes[bytes.length - 1] ?? 0x0a;
  }
  return last === 0x0a ? lines : lines + 1;
}
