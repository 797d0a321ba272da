import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Appends one event to the ledger, a JSON-lines file. One write of one line with O_APPEND,
 * so concurrent sweeps never interleave within a line. The audit issue turns this into a
 * hash-chained, locked ledger; until then this is its format.
 */
export function appendLedgerEvent(path: string, event: Readonly<Record<string, unknown>>): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(event)}\n`, { flag: "a" });
}
