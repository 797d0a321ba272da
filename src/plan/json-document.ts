import { JsonUnits, type JsonUnitProblem } from "./json-units.js";

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

/**
 * What is wrong with a document {@link parseJsonDocument} refused, and where (line and
 * column), in one line: "is not valid JSON (…)", or for the strict rules "is not `what`: …".
 */
export function jsonProblem(bytes: Buffer, problem: JsonUnitProblem, what: string): string {
  if (problem.kind === "binary") return "is binary data, not JSON";
  if (problem.kind === "strict") {
    const { line, column } = problem.place;
    return `is not ${what}: ${problem.message} at line ${line}, column ${column}`;
  }
  // Only a walk that checks elsewhere says this; this one checks in place.
  if (problem.kind === "unchecked") return `is not ${what}: ${problem.message}`;
  const { place } = problem;
  if (problem.end) return "is not valid JSON (it ends early: truncated?)";
  if (!place) return `is not valid JSON (${problem.what})`;
  // A complaint at the end of the text (after its last non-blank character) is a cut-off file.
  const lines = bytes.toString("utf8").trimEnd().split("\n");
  const last = { line: lines.length, column: lines.at(-1)!.length + 1 };
  const atEnd = place.line > last.line || (place.line === last.line && place.column >= last.column);
  return atEnd
    ? `is not valid JSON (it ends early at line ${place.line}, column ${place.column}: truncated?)`
    : `is not valid JSON (unexpected text at line ${place.line}, column ${place.column})`;
}
