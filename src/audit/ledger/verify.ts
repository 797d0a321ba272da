import { TempgrantError } from "../../errors.js";
import { GENESIS_PREV, type LedgerEntry } from "./entry.js";
import { entryHash } from "./entry-hash.js";
import { ledgerLines, requireLedgerFile } from "./lines.js";

/** Why a line breaks the chain. */
export type LedgerFault = "unparsable" | "hash-mismatch" | "seq-gap" | "broken-prev-link";

/** The first line that breaks the chain. */
export interface BadLine {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The seq the line claims; null when it does not parse. */
  readonly seq: number | null;
  readonly fault: LedgerFault;
  readonly message: string;
}

/** The last entry of the file: what an auditor anchors. */
export interface LedgerHead {
  readonly seq: number;
  readonly hash: string;
  readonly line: number;
}

/** How the head compares with the one an auditor recorded earlier (`--expect-head`). */
export interface HeadCheck {
  readonly expected: string;
  readonly matches: boolean;
  /** The line whose hash is the expected one (the ledger grew after it); null for none. */
  readonly foundAtLine: number | null;
}

/** The outcome of {@link verifyLedger}. */
export interface LedgerVerification {
  readonly path: string;
  /** The chain is intact, and the head is the expected one when one was given. */
  readonly valid: boolean;
  /** Lines in the file. */
  readonly lines: number;
  /** The last line's entry; null when that line does not parse. */
  readonly head: LedgerHead | null;
  readonly firstBad: BadLine | null;
  /** Only when an expected head was given. */
  readonly headCheck: HeadCheck | null;
}

/**
 * Walks the chain from the first line: each line must parse, hash to its `hash`, carry the
 * next seq and point at the previous line's hash. Names the first line that does not.
 * Removing lines from the end leaves a valid, shorter chain: only comparing the head with
 * one recorded earlier shows it: pass that as `expectHead`. A file where no line is an entry
 * is INVALID_INPUT.
 */
export async function verifyLedger(
  path: string,
  options: { readonly expectHead?: string } = {},
): Promise<LedgerVerification> {
  requireLedgerFile(path);
  const expected = options.expectHead?.toLowerCase();
  let foundAtLine: number | null = null;
  let previous: LedgerEntry | null = null;
  let firstBad: BadLine | null = null;
  let firstWhy = "";
  let parsedAny = false;
  let head: LedgerHead | null = null;
  let lines = 0;
  for await (const { line, parsed, complete } of ledgerLines(path)) {
    lines = line;
    if (!parsed.ok || !complete) {
      head = parsed.ok ? { seq: parsed.entry.seq, hash: parsed.entry.hash, line } : null;
      const why = parsed.ok ? "the last line has no newline (an interrupted append?)" : parsed.why;
      if (line === 1) firstWhy = why;
      firstBad ??= { line, seq: parsed.ok ? parsed.entry.seq : null, fault: "unparsable", message: why };
      parsedAny ||= parsed.ok;
      continue;
    }
    const entry = parsed.entry;
    parsedAny = true;
    if (entry.hash === expected) foundAtLine ??= line;
    head = { seq: entry.seq, hash: entry.hash, line };
    if (firstBad) continue;
    const fault = chainFault(entry, previous, line);
    if (fault) firstBad = { line, seq: entry.seq, ...fault };
    previous = entry;
  }
  if (!parsedAny) {
    throw new TempgrantError("INVALID_INPUT", `${path}:1: not a tempgrant ledger: ${firstWhy}`);
  }
  const headCheck =
    expected === undefined ? null : { expected, matches: head?.hash === expected, foundAtLine };
  return { path, valid: firstBad === null && headCheck?.matches !== false, lines, head, firstBad, headCheck };
}

function chainFault(
  entry: LedgerEntry,
  previous: LedgerEntry | null,
  line: number,
): { fault: LedgerFault; message: string } | undefined {
  let hash: string;
  try {
    hash = entryHash(entry);
  } catch (error) {
    // Not reached for a line the strict reader accepted; still a bad line, never an internal error.
    return { fault: "unparsable", message: (error as Error).message };
  }
  if (hash !== entry.hash) {
    return {
      fault: "hash-mismatch",
      message: "the line's content does not hash to its hash field: it was edited",
    };
  }
  const expected = (previous?.seq ?? 0) + 1;
  if (entry.seq !== expected) {
    return {
      fault: "seq-gap",
      message:
        `expected seq ${expected}, found ${entry.seq}: ` +
        (entry.seq > expected
          ? "lines before it were removed, or lines were reordered"
          : "a line was repeated, inserted or reordered"),
    };
  }
  if (entry.prev !== (previous?.hash ?? GENESIS_PREV)) {
    return {
      fault: "broken-prev-link",
      message: previous
        ? `prev is not the hash of line ${line - 1} (seq ${previous.seq}): a line was rewritten or inserted`
        : "the first entry's prev is not 64 zeros: lines before it were removed",
    };
  }
  return undefined;
}
