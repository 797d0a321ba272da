import { TempgrantError } from "../../errors.js";
import type { LedgerEntry } from "./entry.js";
import { ledgerLines, requireLedgerFile } from "./lines.js";

/**
 * Reads every entry of a ledger, in file order. Checks each line's shape but not the chain:
 * call {@link verifyLedger} first when the answer must be vouched for. A missing or empty
 * file, or any line that is not an entry, is INVALID_INPUT naming file:line.
 */
export async function readLedger(path: string): Promise<LedgerEntry[]> {
  requireLedgerFile(path);
  const entries: LedgerEntry[] = [];
  for await (const { line, parsed, complete } of ledgerLines(path)) {
    if (!parsed.ok) {
      throw new TempgrantError(
        "INVALID_INPUT",
        `${path}:${line}: not a ledger entry: ${parsed.why}${complete ? "" : " (the last line has no newline)"}`,
      );
    }
    entries.push(parsed.entry);
  }
  return entries;
}
