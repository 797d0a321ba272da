import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { TempgrantError } from "../../errors.js";
import type { LedgerFields } from "./entry.js";

/**
 * The hash of an entry: sha256 (hex) over the RFC 8785 canonical JSON of seq, prev, at and
 * event. Canonical, so that key order or spacing in the written line cannot change it and
 * any other tool can recompute it.
 */
export function entryHash(fields: LedgerFields): string {
  const { seq, prev, at, event } = fields;
  let text: string | undefined;
  try {
    text = canonicalize({ seq, prev, at, event });
  } catch (error) {
    throw new TempgrantError(
      "INTERNAL",
      `ledger: the event cannot be canonicalized: ${(error as Error).message}`,
    );
  }
  if (text === undefined) throw new TempgrantError("INTERNAL", "ledger: the event cannot be canonicalized");
  return createHash("sha256").update(text, "utf8").digest("hex");
}
