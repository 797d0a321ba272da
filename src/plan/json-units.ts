import { isAscii, isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { quoteValue } from "../errors.js";
import {
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  MAX_JSON_DEPTH,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  strictValueEnd,
  valueEnd,
  loneSurrogateEscape,
  LONE_SURROGATE_MESSAGE,
  type StrictJsonProblem,
} from "../grant/strict-json.js";
import { PARSE, UNIT_FIELDS, type UnitChecker } from "./unit-checks.js";

/**
 * A JSON document read in chunks, walked as a tree of "units": the caller walks the containers
 * it cares about (the plan's top level, its resource lists, its module trees) token by token,
 * and takes every other value whole. A unit is found by its brackets and strings, then read
 * with `JSON.parse` (syntax, as fast as the runtime reads JSON) and checked by
 * {@link strictJsonProblem} (repeated keys, non-finite numbers, depth). Only the chunk being
 * read and the unit being taken are held, never the whole text: a plan too large for one
 * JavaScript string (about 512 MiB) is read like any other.
 *
 * Checked elsewhere ({@link JsonUnits.checkedBy}): for a large plan the walk only finds where
 * each value ends by its strings and brackets, `JSON.parse`s the values it keeps, and hands the
 * strict scan and the parsing of the values it skims to a helper thread, a batch of text at a
 * time (unit-checks.ts). A batch the helper refuses, or any error, makes the caller read the
 * plan again in place, so messages are the same either way.
 *
 * Why not a streaming JSON library: stream-json and @streamparser/json build every value
 * token by token in JavaScript, several times slower than `JSON.parse` on the same bytes;
 * here `JSON.parse` still reads every byte, a unit at a time.
 */

/** Bytes read at a time. */
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * The batches a chunk's checks are handed to the checker in, about: a few MiB each, so that
 * the helper works while the walk goes on (a whole chunk at a time left a plan of one chunk
 * waiting for all its checks at the end).
 */
const BATCHES_PER_CHUNK = 4;

const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

/** Where a problem is: a line and a column (UTF-16 units, as an editor counts), 1-based. */
export interface JsonPlace {
  readonly line: number;
  readonly column: number;
}

/** Why a document cannot be read. */
export type JsonUnitProblem =
  | { readonly kind: "binary" }
  /** Not JSON: `what` as JSON.parse says it, or the token the walk did not expect; `end` when it ends early. */
  | {
      readonly kind: "syntax";
      readonly what: string;
      readonly place: JsonPlace | undefined;
      readonly end: boolean;
    }
  /** JSON, but against the strict rules (strict-json.ts). */
  | { readonly kind: "strict"; readonly message: string; readonly place: JsonPlace }
  /** Refused by the checker of a walk that checks elsewhere: read again in place to say where. */
  | { readonly kind: "unchecked"; readonly message: string };

/** Thrown by {@link JsonUnits}; the reader turns it into a message naming the file. */
export class JsonUnitError extends Error {
  constructor(readonly problem: JsonUnitProblem) {
    super(problem.kind);
  }
}

/** Where the bytes come from: a file read in chunks, or bytes already in memory. */
type Source = { readonly fd: number; readonly chunkBytes: number } | { readonly bytes: Buffer };

export class JsonUnits {
  /** The text read and not yet dropped; `pos` is the walk's place in it. */
  private text = "";
  private pos = 0;
  private eof = false;
  /** The bytes of a multi-byte character the last chunk cut, waiting for the next. */
  private carry: Buffer = Buffer.alloc(0);
  /** Lines and columns counted in the text dropped so far (columns in UTF-16 units, as an editor counts). */
  private line = 1;
  private column = 0;
  /** Where the value taken last starts in the text. */
  private taken = 0;
  /** Current nesting of the walk (the containers entered). */
  private depth = 0;
  private readonly chunk: Buffer | undefined;
  /** Text, about, whose checks are handed over at once (see BATCHES_PER_CHUNK). */
  private readonly batchBytes: number;
  /** Values found and not yet checked (checked elsewhere): UNIT_FIELDS numbers each, offsets in `text`. */
  private unchecked: number[] = [];

  private constructor(
    private readonly source: Source,
    private readonly checker?: UnitChecker,
  ) {
    this.chunk = "fd" in source ? Buffer.allocUnsafe(Math.max(4, source.chunkBytes)) : undefined;
    this.batchBytes = Math.ceil(("fd" in source ? source.chunkBytes : CHUNK_BYTES) / BATCHES_PER_CHUNK);
    this.more(0);
    // A UTF-8 byte-order mark (PowerShell's redirection writes one) is not part of the JSON.
    while (this.text.length === 0 && this.more(0));
    if (this.text.charCodeAt(0) === 0xfeff) this.text = this.text.slice(1);
  }

  /** Reads the file at `path` in chunks; call {@link close} when done. */
  static ofFile(path: string, chunkBytes = CHUNK_BYTES, checker?: UnitChecker): JsonUnits {
    return new JsonUnits({ fd: openSync(path, "r"), chunkBytes }, checker);
  }

  /** Reads bytes already in memory. */
  static ofBytes(bytes: Buffer, checker?: UnitChecker): JsonUnits {
    return new JsonUnits({ bytes }, checker);
  }

  close(): void {
    if ("fd" in this.source) closeSync(this.source.fd);
  }

  /** The next token's first character after blanks, without taking it; -1 at the end. */
  peek(): number {
    for (;;) {
      const text = this.text;
      while (this.pos < text.length) {
        const c = text.charCodeAt(this.pos);
        if (c !== 0x20 && c !== NEWLINE && c !== 0x0d && c !== 0x09) return c;
        this.pos += 1;
      }
      if (!this.more(this.pos)) return -1;
    }
  }

  /** Enters the object or array that comes next: true when it is one (false: take it whole instead). */
  private enter(open: number): boolean {
    if (this.peek() !== open) return false;
    this.depth += 1;
    if (this.depth > MAX_JSON_DEPTH) this.strict(`nested deeper than ${MAX_JSON_DEPTH} levels`, this.pos);
    this.pos += 1;
    return true;
  }

  /**
   * Moves to the next member or element of the container entered last: true when there is
   * one (then, in an object, {@link key} reads its key), false when the container closes.
   */
  private next(first: boolean): boolean {
    const c = this.peek();
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      this.depth -= 1;
      this.pos += 1;
      return false;
    }
    if (!first) {
      if (c !== COMMA) this.unexpected(c);
      this.pos += 1;
    }
    return true;
  }

  /** An object member's key and its colon; a key already in `seen` is a strict problem. */
  private key(seen: Set<string>): string {
    if (this.peek() !== QUOTE) this.unexpected(this.peek());
    const key = this.take() as string;
    if (seen.has(key)) this.strict(`duplicate key ${quoteValue(key)}`, this.taken);
    seen.add(key);
    if (this.peek() !== COLON) this.unexpected(this.peek());
    this.pos += 1;
    return key;
  }

  /** Walks the object that comes next, member by member (`visit` reads or skips each value); false when it is not an object. */
  members(visit: (key: string) => void): boolean {
    if (!this.enter(OPEN_OBJECT)) return false;
    const seen = new Set<string>();
    for (let first = true; this.next(first); first = false) visit(this.key(seen));
    return true;
  }

  /** Walks the array that comes next, element by element (`visit` reads or skips each); false when it is not an array. */
  elements(visit: (index: number) => void): boolean {
    if (!this.enter(OPEN_ARRAY)) return false;
    let index = 0;
    for (let first = true; this.next(first); first = false) visit(index++);
    return true;
  }

  /** The document has ended: only blanks may follow. */
  finish(): void {
    const c = this.peek();
    if (c !== -1) this.unexpected(c);
    this.handOver();
  }

  /**
   * The next value, whole: found and checked against the strict rules in one scan
   * ({@link strictValueEnd}, at the depth it sits at), then read with `JSON.parse`.
   */
  take(): unknown {
    if (this.checker) return this.skim(true);
    if (this.peek() === -1) this.endsEarly();
    let end: number | StrictJsonProblem | undefined;
    // A value the text cuts short is scanned again, whole, once more is read.
    while ((end = strictValueEnd(this.text, this.pos, { outerDepth: this.depth })) === undefined)
      if (!this.more(this.pos)) break;
    if (typeof end === "object") this.strict(end.message, end.offset);
    const from = (this.taken = this.pos);
    const to = end ?? this.text.length;
    const text = this.text.slice(from, to);
    const value = this.parse(text, from);
    const lone = loneSurrogateEscape(text);
    if (lone >= 0) this.strict(LONE_SURROGATE_MESSAGE, from + lone);
    this.pos = to;
    return value;
  }

  /** Skips the next value after reading it whole, as {@link take} does (it must be valid too). */
  skip(): void {
    if (this.checker) this.skim(false);
    else this.take();
  }

  /**
   * The next value found by its strings and brackets alone ({@link valueEnd}), `JSON.parse`d
   * when `parse`; its checks wait in {@link unchecked} for the checker.
   */
  private skim(parse: boolean): unknown {
    if (this.peek() === -1) this.endsEarly();
    let end: number | undefined;
    while ((end = valueEnd(this.text, this.pos)) === undefined) if (!this.more(this.pos)) break;
    const from = (this.taken = this.pos);
    const to = end ?? this.text.length;
    const value = parse ? this.parse(this.text.slice(from, to), from) : undefined;
    this.unchecked.push(from, to, this.depth, parse ? 0 : PARSE);
    this.pos = to;
    if (to - this.unchecked[0]! >= this.batchBytes) this.handOver();
    return value;
  }

  /**
   * Hands the values waiting for their checks to the checker, with the text they are in (and
   * the character after the last, where a number's end is judged). Called before that text is
   * dropped, and at the end.
   */
  private handOver(): void {
    const pending = this.unchecked;
    if (!this.checker || pending.length === 0) return;
    const first = pending[0]!;
    const text = this.text.slice(first, Math.min(pending[pending.length - 3]! + 1, this.text.length));
    const units = new Int32Array(pending.length);
    for (let at = 0; at < pending.length; at += UNIT_FIELDS) {
      units[at] = pending[at]! - first;
      units[at + 1] = pending[at + 1]! - first;
      units[at + 2] = pending[at + 2]!;
      units[at + 3] = pending[at + 3]!;
    }
    this.unchecked = [];
    const problem = this.checker.check({ text, units });
    if (problem !== undefined) throw new JsonUnitError({ kind: "unchecked", message: problem });
  }

  /** JSON.parse of a value's text, its complaint placed in the whole document. */
  private parse(value: string, from: number): unknown {
    try {
      return JSON.parse(value);
    } catch (error) {
      throw new JsonUnitError(this.syntaxIn(value, from, error as Error));
    }
  }

  /**
   * Reads more, keeping the text from `keep` on (the value being read); false at the end.
   * The text before `keep` is counted for lines and columns, then dropped.
   */
  private more(keep: number): boolean {
    if (this.eof) return false;
    let bytes: Buffer;
    if ("bytes" in this.source) {
      bytes = this.source.bytes;
      this.eof = true;
    } else {
      const read = readSync(this.source.fd, this.chunk!, 0, this.chunk!.length, null);
      if (read === 0) this.eof = true;
      bytes =
        this.carry.length > 0
          ? Buffer.concat([this.carry, this.chunk!.subarray(0, read)])
          : this.chunk!.subarray(0, read);
    }
    let complete = bytes.length;
    if (!this.eof) {
      // Leave a multi-byte character the chunk cut for the next read.
      let back = complete - 1;
      while (back > complete - 4 && back >= 0 && (bytes[back]! & 0xc0) === 0x80) back -= 1;
      if (back >= 0 && bytes[back]! >= 0xc0) complete = back;
    }
    const whole = bytes.subarray(0, complete);
    // Most plans are ASCII: then the bytes are their own text, decoded several times faster as Latin-1.
    const ascii = isAscii(whole);
    if (whole.includes(0) || (!ascii && !isUtf8(whole))) throw new JsonUnitError({ kind: "binary" });
    this.carry = Buffer.from(bytes.subarray(complete));
    this.handOver();
    this.count(keep);
    this.text = this.text.slice(keep) + whole.toString(ascii ? "latin1" : "utf8");
    this.pos -= keep;
    return true;
  }

  /** Counts the lines and columns of the text before `to`, about to be dropped. */
  private count(to: number): void {
    const text = this.text;
    let lastNewline = -1;
    for (let at = text.indexOf("\n"); at >= 0 && at < to; at = text.indexOf("\n", at + 1)) {
      this.line += 1;
      lastNewline = at;
    }
    this.column = lastNewline >= 0 ? to - lastNewline - 1 : this.column + to;
  }

  /** The line and column of `at` in the text. */
  private placeOf(at: number): JsonPlace {
    const text = this.text;
    let line = this.line;
    let lastNewline = -1;
    for (let n = text.indexOf("\n"); n >= 0 && n < at; n = text.indexOf("\n", n + 1)) {
      line += 1;
      lastNewline = n;
    }
    return { line, column: (lastNewline >= 0 ? at - lastNewline - 1 : this.column + at) + 1 };
  }

  private strict(message: string, at: number): never {
    throw new JsonUnitError({ kind: "strict", message, place: this.placeOf(at) });
  }

  private unexpected(c: number): never {
    if (c === -1) this.endsEarly();
    const what = `Unexpected token '${String.fromCharCode(c)}'`;
    throw new JsonUnitError({ kind: "syntax", what, place: this.placeOf(this.pos), end: false });
  }

  private endsEarly(): never {
    throw new JsonUnitError({
      kind: "syntax",
      what: "Unexpected end of JSON input",
      place: undefined,
      end: true,
    });
  }

  /** JSON.parse's complaint about a value, placed in the whole document. */
  private syntaxIn(value: string, from: number, error: Error): JsonUnitProblem {
    const position = /position (\d+)/.exec(error.message)?.[1];
    const what = error.message.replace(/ (in JSON )?at position \d+.*$/, "");
    if (position === undefined)
      return { kind: "syntax", what, place: undefined, end: /Unexpected end/.test(error.message) };
    return { kind: "syntax", what, place: this.placeOf(from + Number(position)), end: false };
  }
}
