import { JsonUnits } from "./json-units.js";

/**
 * Reads a whole JSON document held in memory (a state, or a plan whose every part the
 * reader needs) with the plan reader's rules: JSON.parse's syntax, then the strict rules of
 * strict-json.ts (a repeated key, a number out of range, nesting past MAX_JSON_DEPTH), a
 * UTF-8 byte-order mark skipped. Throws {@link JsonUnitError} with the problem and its line
 * and column, for the caller to word.
 */
export function parseJsonDocument(bytes: Buffer): unknown {
  const units = JsonUnits.ofBytes(bytes);
  try {
    const value = units.take();
    units.finish();
    return value;
  } finally {
    units.close();
  }
}
