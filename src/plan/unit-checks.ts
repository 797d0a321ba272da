import { LONE_SURROGATE_MESSAGE, loneSurrogateEscape, strictValueEnd } from "../grant/strict-json.js";

/**
 * The checks a walk of a large plan hands to a helper thread (see json-units.ts, "checked
 * elsewhere"): the walk only finds where each value it skims ends and `JSON.parse`s the ones it
 * keeps; the strict scan, the syntax of the skimmed values and the lone-surrogate test run here,
 * on a batch of the text. The checks are exactly the ones the walk makes when it checks in
 * place, so a batch refused here is read again in place, which says what and where.
 */

/** Four Int32s per value of a batch: where it starts and ends in the batch's text, its nesting, and {@link PARSE} or not. */
export const UNIT_FIELDS = 4;
/** The value was not parsed by the walk (it was skimmed): the helper parses it. */
export const PARSE = 1;

/** One batch: a piece of the plan's text and the values in it. */
export interface UnitBatch {
  readonly text: string;
  readonly units: Int32Array;
}

/** What checks a batch: a helper thread, or the walk itself when the helper is behind. */
export interface UnitChecker {
  /** Checks `batch` now or later: a problem found now, else undefined (a later one is told by {@link drained}). */
  check(batch: UnitBatch): string | undefined;
  /** Once every batch is checked: the first problem, or undefined. Rejects when the helper stopped. */
  drained(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The first problem in a batch, as the walk in place would find it (its message only), or undefined. */
export function unitBatchProblem({ text, units }: UnitBatch): string | undefined {
  for (let at = 0; at < units.length; at += UNIT_FIELDS) {
    const from = units[at]!;
    const to = units[at + 1]!;
    const end = strictValueEnd(text, from, { outerDepth: units[at + 2]! });
    if (typeof end === "object") return end.message;
    // The strict scan must find the end the walk found (at the text's end: a value it cut short).
    if (end === undefined ? to !== text.length : end !== to)
      return "a value ends elsewhere than the walk read it";
    if (units[at + 3] === PARSE) {
      try {
        JSON.parse(text.slice(from, to));
      } catch (error) {
        return (error as Error).message;
      }
    }
  }
  // Escapes never cross a value's edge, so the batch's text is tested whole.
  return loneSurrogateEscape(text) >= 0 ? LONE_SURROGATE_MESSAGE : undefined;
}

/** A checker that checks each batch at once, on the walk's own thread (tests; and the same checks without a helper). */
export function inlineUnitChecker(): UnitChecker {
  return {
    check: unitBatchProblem,
    drained: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
}
