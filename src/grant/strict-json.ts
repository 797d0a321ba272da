import { quoteValue } from "../errors.js";

/**
 * The strict JSON rules that `JSON.parse` does not enforce, checked in one pass over text that
 * `JSON.parse` has already accepted: a key repeated in one object (JSON.parse keeps the last,
 * silently, so two readers of one file can see different documents), a number that is not a
 * finite double (`1e999` parses to Infinity), nesting deep enough to exhaust a recursive
 * reader's stack, and an escape of half a surrogate pair on its own (`"\ud800"`: JSON.parse
 * makes it a string that is not Unicode text, which hashing and comparing cannot take). Used by the plan reader, every reader of the ledger, the pull-request reviews and the targets'
 * policy documents: here, below them all.
 *
 * Why not a library: `lossless-json` accepts a repeated key when both values are equal, and
 * AST parsers (`@humanwhocodes/momoa`, `jsonc-parser`) build or visit every node in
 * JavaScript, several times the cost of `JSON.parse` on a 10 MiB plan. This scanner only looks
 * at string delimiters (found with `indexOf`), brackets and numbers, and keeps the keys of the
 * objects that are open.
 */

/** Deeper than any plan or ledger line tofu or tempgrant writes; shallow enough for every recursive reader. */
export const MAX_JSON_DEPTH = 512;

/** Options of {@link strictJsonProblem}. */
export interface StrictJsonOptions {
  /** Nesting limit (objects and arrays); default {@link MAX_JSON_DEPTH}. */
  readonly maxDepth?: number;
  /**
   * Also refuse numbers that do not survive a round trip as a double: an integer literal
   * beyond 2^53 - 1 (it would be read as another integer) and a non-zero literal that
   * underflows to 0. For the ledger, whose hash covers the number as read.
   */
  readonly exactNumbers?: boolean;
  /** Containers the text sits in (a piece of a larger document, read a piece at a time): they count towards the limit. */
  readonly outerDepth?: number;
}

/** What is wrong and where: a 0-based offset into the text, and its 1-based line and column. */
export interface StrictJsonProblem {
  readonly message: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** JSON's structural characters, as char codes (and bytes: they are ASCII). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
/** Keys of an object are compared in a list up to this many, then in a set. */
const SMALL_OBJECT = 12;
/** A number literal this short, without an exponent, is always a finite double. */
const SHORT_NUMBER = 300;

/**
 * The first violation of the strict rules in `text`, which must already be valid JSON (call
 * `JSON.parse` first: this does not report syntax errors); undefined when there is none.
 */
export function strictJsonProblem(
  text: string,
  options: StrictJsonOptions = {},
): StrictJsonProblem | undefined {
  const problem = scan(text, 0, options, false) as StrictJsonProblem | undefined;
  if (problem) return problem;
  const lone = loneSurrogateEscape(text);
  return lone < 0 ? undefined : located(text, lone, LONE_SURROGATE_MESSAGE);
}

/** What {@link loneSurrogateEscape} finds, said for a reader. */
export const LONE_SURROGATE_MESSAGE = "an escaped lone surrogate (half of a UTF-16 pair): not Unicode text";

/**
 * The offset of the first `\uD800`..`\uDFFF` escape in JSON text that is not one half of a
 * pair, or -1. Only an escape can make one: decoding UTF-8 never does (invalid bytes become
 * U+FFFD). No writer of plans or ledgers emits one, so a reader refuses it rather than carry a
 * string that every later hash (RFC 8785 refuses it) and comparison would trip over.
 */
export function loneSurrogateEscape(text: string): number {
  for (let at = text.indexOf("\\u"); at >= 0; at = text.indexOf("\\u", at + 2)) {
    // An escaped backslash followed by `u` is not an escape: count the backslashes before.
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 1) continue;
    const unit = hexUnit(text, at + 2);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit >= 0xdc00) return at; // a low half with no high half before it (pairs are skipped whole)
    const next = text.charCodeAt(at + 6);
    if (next >= 0xdc00 && next <= 0xdfff) continue; // the low half written as itself
    if (next !== BACKSLASH || text.charCodeAt(at + 7) !== 0x75) return at;
    const low = hexUnit(text, at + 8);
    if (low < 0xdc00 || low > 0xdfff) return at;
    at += 6; // past the low half's escape too
  }
  return -1;
}

/** The four hex digits at `from` as a number; -1 when they are not four hex digits. */
function hexUnit(text: string, from: number): number {
  const digits = text.slice(from, from + 4);
  return /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : -1;
}

/**
 * Scans the one value that starts at `from` (after blanks) against the strict rules, as
 * {@link strictJsonProblem} does: the offset just past it, or the first violation, or
 * undefined when the text ends first (read more and scan again). Syntax is not checked: call
 * `JSON.parse` on the value's text, which also says what a bad value is.
 */
export function strictValueEnd(
  text: string,
  from: number,
  options: StrictJsonOptions = {},
): number | StrictJsonProblem | undefined {
  return scan(text, from, options, true);
}

/**
 * Where the one value that starts at `from` ends, found by its strings and brackets alone,
 * checking nothing: for a reader that hands the checks ({@link strictValueEnd} and
 * `JSON.parse`) to another thread, which then finds the same end or refuses the value. As
 * {@link strictValueEnd}: undefined when the text ends first.
 */
export function valueEnd(text: string, from: number): number | undefined {
  const length = text.length;
  let depth = 0;
  let i = from;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const closing = stringEnd(text, i);
      if (closing < 0) return undefined;
      i = closing + 1;
      if (depth === 0) return i;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      i += 1;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth <= 1) return i + 1; // closed, or not a value (JSON.parse says so)
      depth -= 1;
      i += 1;
    } else if (depth === 0 && !isBlank(c)) {
      // A number or a literal at the top: up to the next delimiter, as strictValueEnd reads it.
      let end = i + 1;
      if (c === MINUS || (c >= ZERO && c <= NINE)) while (isNumberChar(text.charCodeAt(end))) end += 1;
      else while (end < length && isLetter(text.charCodeAt(end))) end += 1;
      return end < length ? end : undefined;
    } else {
      i += 1;
    }
  }
  return undefined;
}

/** The scan of both: of the whole text (`single` false), or of one value and no further. */
function scan(
  text: string,
  from: number,
  options: StrictJsonOptions,
  single: boolean,
): number | StrictJsonProblem | undefined {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const outerDepth = options.outerDepth ?? 0;
  const exact = options.exactNumbers ?? false;
  // The keys of every open object, one after another in `keys`; `starts[d]` is where the
  // object at depth d begins (-1 for an array), `sets[d]` its keys as a set once it is large.
  // Nothing is allocated per object: a plan has hundreds of thousands of them.
  const keys: string[] = [];
  let keyCount = 0;
  const starts: number[] = [];
  const sets: (Set<string> | undefined)[] = [];
  let depth = 0;
  const length = text.length;
  let i = from;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const closing = stringEnd(text, i);
      if (single && depth === 0) return closing < 0 ? undefined : closing + 1;
      const end = closing < 0 ? length - 1 : closing;
      const start = depth > 0 ? (starts[depth - 1] as number) : -1;
      if (start >= 0 && isKey(text, end + 1)) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? decodedKey(text.slice(i, end + 1)) : raw;
        const set = sets[depth - 1];
        if (set !== undefined) {
          if (set.has(key)) return located(text, i, `duplicate key ${quoteValue(key)}`);
          set.add(key);
        } else {
          for (let k = start; k < keyCount; k += 1) {
            if (keys[k] === key) return located(text, i, `duplicate key ${quoteValue(key)}`);
          }
          keys[keyCount++] = key;
          if (keyCount - start > SMALL_OBJECT) sets[depth - 1] = new Set(keys.slice(start, keyCount));
        }
      }
      i = end + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth + outerDepth >= maxDepth) return located(text, i, `nested deeper than ${maxDepth} levels`);
      starts[depth] = c === OPEN_OBJECT ? keyCount : -1;
      sets[depth] = undefined;
      depth += 1;
      i += 1;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (single && depth === 0) return i + 1; // not a value: JSON.parse says so
      depth -= 1;
      const start = starts[depth] as number;
      if (start >= 0) keyCount = start;
      sets[depth] = undefined;
      i += 1;
      if (single && depth === 0) return i;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      let end = i + 1;
      let exponent = false;
      for (let d = text.charCodeAt(end); isNumberChar(d); d = text.charCodeAt(++end)) {
        if (d === 0x65 || d === 0x45) exponent = true;
      }
      // A number the text cuts short (read in chunks) is judged once it is whole.
      if ((exact || exponent || end - i > SHORT_NUMBER) && (!single || end < length)) {
        const problem = numberProblem(text.slice(i, end), exact);
        if (problem) return located(text, i, problem);
      }
      if (single && depth === 0) return end < length ? end : undefined;
      i = end;
    } else if (single && depth === 0 && !isBlank(c)) {
      // A literal (true, false, null) or what JSON.parse will refuse: up to the next delimiter.
      let end = i + 1;
      while (end < length && isLetter(text.charCodeAt(end))) end += 1;
      return end < length ? end : undefined;
    } else {
      i += 1;
    }
  }
  return undefined;
}

/** A key with escapes, decoded; as written when it is not a valid string (JSON.parse reports that). */
function decodedKey(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal;
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** The offset of the quote that closes the string opened at `start`; -1 when the text ends first. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1; // the text ends first
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** Whether a colon follows (after blanks): the string just read is a key. */
function isKey(text: string, from: number): boolean {
  let i = from;
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  return c === COLON;
}

function isNumberChar(c: number): boolean {
  return (c >= ZERO && c <= NINE) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS;
}

function numberProblem(literal: string, exact: boolean): string | undefined {
  const value = Number(literal);
  if (!Number.isFinite(value)) {
    return `the number ${quoteValue(literal, { quotes: false })} is out of range (not a finite double)`;
  }
  if (!exact) return undefined;
  if (value === 0 && /[1-9]/.test(literal.replace(/[eE].*$/, ""))) {
    return `the number ${quoteValue(literal, { quotes: false })} is too small to represent (it reads as 0)`;
  }
  if (!/[.eE]/.test(literal) && !Number.isSafeInteger(value)) {
    return `the integer ${quoteValue(literal, { quotes: false })} is beyond 2^53 - 1 (it would read as another number)`;
  }
  return undefined;
}

function located(text: string, offset: number, message: string): StrictJsonProblem {
  let line = 1;
  let lineStart = 0;
  for (
    let newline = text.indexOf("\n");
    newline >= 0 && newline < offset;
    newline = text.indexOf("\n", newline + 1)
  ) {
    line += 1;
    lineStart = newline + 1;
  }
  return { message, offset, line, column: offset - lineStart + 1 };
}
