import { createReadStream, statSync } from "node:fs";
import { TempgrantError } from "../../errors.js";

/** One line of a ledger file: its 1-based number, its text, and whether a newline ended it. */
export interface LedgerLine {
  readonly line: number;
  readonly text: string;
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

/** Streams a ledger's lines, so a long ledger is never held whole as one string. */
export async function* ledgerLines(path: string): AsyncGenerator<LedgerLine> {
  let rest = "";
  let line = 0;
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const parts = (rest + (chunk as string)).split("\n");
    rest = parts.pop() ?? "";
    for (const text of parts) yield { line: ++line, text, complete: true };
  }
  if (rest !== "") yield { line: ++line, text: rest, complete: false };
}
