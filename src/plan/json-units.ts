import { isAscii, isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { quoteValue } from "../errors.js";
import {
  BACKSLASH,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  MAX_JSON_DEPTH,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  strictJsonProblem,
} from "./strict-json.js";

/**
 * A JSON document read in chunks, walked as a tree of "units": the caller walks the containers
 * it cares about (the plan's top level, its resource lists, its module trees) token by token,
 * and takes every other value whole. A unit is found by its brackets and strings, then read
 * with `JSON.parse` (syntax, as fast as the runtime reads JSON) and checked by
 * {@link strictJsonProblem} (repeated keys, non-finite numbers, depth). Only the chunk being
 * read and the unit being taken are held, never the whole text: a plan too large for one
 * JavaScript string (about 512 MiB) is read like any other.
 *
 * Why not a streaming JSON library: stream-json and @streamparser/json build every value
 * token by token in JavaScript, several times slower than `JSON.parse` on the same bytes;
 * here `JSON.parse` still reads every byte, a unit at a time.
 */

/** Bytes read at a time. */
const CHUNK_BYTES = 16 * 1024 * 1024;

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
  | { readonly kind: "strict"; readonly message: string; readonly place: JsonPlace };

/** Thrown by {@link JsonUnits}; the reader turns it into a message naming the file. */
export class JsonUnitError extends Error {
  constructor(readonly problem: JsonUnitProblem) {
    super(problem.kind);
  }
}

/** Where the bytes come from: a file read in chunks, or bytes already in memory. */
type Source = { readonly fd: number; readonly chunkBytes: number } | { readonly bytes: Buffer };

export class JsonUnits {
  private buf: Buffer;
  /** Valid bytes in `buf`, and the file offset of `buf[0]`. */
  private end: number;
  private base = 0;
  private pos = 0;
  private eof: boolean;
  /** Lines and columns counted up to file offset `counted`. */
  private line = 1;
  private column = 0;
  private counted = 0;
  /** File offset up to which bytes were checked to be UTF-8 without NUL. */
  private checked = 0;
  /** Current nesting of the walk (the containers entered with {@link enter}). */
  private depth = 0;

  private constructor(private readonly source: Source) {
    if ("bytes" in source) {
      this.buf = source.bytes;
      this.end = source.bytes.length;
      this.eof = true;
    } else {
      // At least a byte-order mark and a zip signature in the first read.
      this.buf = Buffer.allocUnsafe(Math.max(4, source.chunkBytes));
      this.end = 0;
      this.eof = false;
    }
    this.fill("fd" in source ? source.fd : -1);
    this.checkText();
    // A UTF-8 byte-order mark (PowerShell's redirection writes one) is not part of the JSON.
    if (this.end >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) {
      this.pos = 3;
      this.counted = 3;
    }
  }

  /** Reads the file at `path` in chunks; call {@link close} when done. */
  static ofFile(path: string, chunkBytes = CHUNK_BYTES): JsonUnits {
    return new JsonUnits({ fd: openSync(path, "r"), chunkBytes });
  }

  /** Reads bytes already in memory. */
  static ofBytes(bytes: Buffer): JsonUnits {
    return new JsonUnits({ bytes });
  }

  close(): void {
    if ("fd" in this.source) closeSync(this.source.fd);
  }

  /** The next token's first byte after blanks, without taking it; -1 at the end. */
  peek(): number {
    for (;;) {
      while (this.pos < this.base + this.end) {
        const c = this.buf[this.pos - this.base]!;
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
  key(seen: Set<string>): string {
    if (this.peek() !== QUOTE) this.unexpected(this.peek());
    const at = this.pos;
    const key = this.take() as string;
    if (seen.has(key)) this.strict(`duplicate key ${quoteValue(key)}`, at);
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
  }

  /**
   * The next value, whole: found by its brackets and strings, read with `JSON.parse` and
   * checked against the strict rules at the depth it sits at.
   */
  take(): unknown {
    const c = this.peek();
    if (c === -1) this.endsEarly();
    const start = this.pos;
    let i = start;
    if (c === QUOTE) i = this.stringEnd(i);
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) i = this.containerEnd(i);
    else i = this.scalarEnd(i);
    const text = this.buf.toString("utf8", start - this.base, i - this.base);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new JsonUnitError(this.syntaxIn(text, start, error as Error));
    }
    if (c !== QUOTE) {
      const problem = strictJsonProblem(text, { outerDepth: this.depth });
      if (problem) {
        const before = this.placeOf(start);
        throw new JsonUnitError({
          kind: "strict",
          message: problem.message,
          place:
            problem.line === 1
              ? { line: before.line, column: before.column + problem.column - 1 }
              : { line: before.line + problem.line - 1, column: problem.column },
        });
      }
    }
    this.pos = i;
    return value;
  }

  /** Skips the next value after reading it whole, as {@link take} does (it must be valid too). */
  skip(): void {
    this.take();
  }

  /** Offset just past the string that opens at file offset `start`; bytes from `keep` on stay in the buffer. */
  private stringEnd(start: number, keep = start): number {
    let from = start + 1;
    for (;;) {
      const quote = this.buf.indexOf(QUOTE, from - this.base);
      if (quote < 0 || quote >= this.end) {
        from = Math.max(from, this.base + this.end);
        if (!this.more(keep)) this.endsEarly();
        continue;
      }
      const at = quote + this.base;
      let backslashes = 0;
      while (this.buf[quote - 1 - backslashes] === BACKSLASH) backslashes += 1;
      if (backslashes % 2 === 0) return at + 1;
      from = at + 1;
    }
  }

  /** Offset just past the object or array that opens at file offset `start` (strings skipped). */
  private containerEnd(start: number): number {
    let depth = 0;
    let i = start;
    for (;;) {
      while (i < this.base + this.end) {
        const c = this.buf[i - this.base]!;
        if (c === QUOTE) {
          i = this.stringEnd(i, start);
          continue;
        }
        if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth += 1;
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
          depth -= 1;
          if (depth === 0) return i + 1;
        }
        i += 1;
      }
      if (!this.more(start)) this.endsEarly();
    }
  }

  /** Offset just past a number or literal (JSON.parse then says whether it is one). */
  private scalarEnd(start: number): number {
    let i = start;
    for (;;) {
      while (i < this.base + this.end) {
        const c = this.buf[i - this.base]!;
        if (
          c === COMMA ||
          c === CLOSE_OBJECT ||
          c === CLOSE_ARRAY ||
          c === 0x20 ||
          c === NEWLINE ||
          c === 0x0d ||
          c === 0x09
        )
          return i;
        i += 1;
      }
      if (!this.more(start)) return i;
    }
  }

  /**
   * Reads more of the file, keeping the bytes from file offset `keep` on (the unit being
   * read); false at the end of the file.
   */
  private more(keep: number): boolean {
    if (this.eof) return false;
    const source = this.source as { readonly fd: number; readonly chunkBytes: number };
    this.count(keep);
    const kept = this.base + this.end - keep;
    // Room for a chunk after the kept bytes: a unit larger than a chunk grows the buffer.
    const size = Math.max(source.chunkBytes, kept + Math.ceil(source.chunkBytes / 2));
    const target = size > this.buf.length ? Buffer.allocUnsafe(size) : this.buf;
    this.buf.copy(target, 0, keep - this.base, this.end);
    this.buf = target;
    this.base = keep;
    this.end = kept;
    this.fill(source.fd);
    this.checkText();
    return true;
  }

  /** Fills the buffer from the file (a source in memory is full already). */
  private fill(fd: number): void {
    if ("bytes" in this.source) return;
    while (this.end < this.buf.length) {
      const read = readSync(fd, this.buf, this.end, this.buf.length - this.end, null);
      if (read === 0) {
        this.eof = true;
        return;
      }
      this.end += read;
    }
  }

  /** The bytes read since the last check are UTF-8 text without NUL (a sequence cut by the chunk waits). */
  private checkText(): void {
    let upTo = this.end;
    if (!this.eof) {
      // Leave a multi-byte sequence the chunk cut for the next check.
      let back = upTo - 1;
      while (back > upTo - 4 && back >= 0 && (this.buf[back]! & 0xc0) === 0x80) back -= 1;
      if (back >= 0 && this.buf[back]! >= 0xc0) upTo = back;
    }
    const from = Math.max(0, this.checked - this.base);
    const bytes = this.buf.subarray(from, upTo);
    if (bytes.includes(0) || !isUtf8(bytes)) throw new JsonUnitError({ kind: "binary" });
    this.checked = this.base + upTo;
  }

  /** Counts lines and columns up to file offset `to` (bytes before it are about to be dropped). */
  private count(to: number): void {
    if (to <= this.counted) return;
    const from = this.counted - this.base;
    const upTo = to - this.base;
    let lastNewline = -1;
    for (
      let at = this.buf.indexOf(NEWLINE, from);
      at >= 0 && at < upTo;
      at = this.buf.indexOf(NEWLINE, at + 1)
    ) {
      this.line += 1;
      lastNewline = at;
    }
    const rest = this.buf.subarray(lastNewline >= 0 ? lastNewline + 1 : from, upTo);
    const units = isAscii(rest) ? rest.length : rest.toString("utf8").length;
    this.column = lastNewline >= 0 ? units : this.column + units;
    this.counted = to;
  }

  /** The line and column of file offset `at` (not yet dropped). */
  private placeOf(at: number): JsonPlace {
    this.count(at);
    return { line: this.line, column: this.column + 1 };
  }

  private strict(message: string, at: number): never {
    throw new JsonUnitError({ kind: "strict", message, place: this.placeOf(at) });
  }

  private unexpected(c: number): never {
    if (c === -1) this.endsEarly();
    const at = this.pos;
    const what = `Unexpected token '${String.fromCharCode(c)}'`;
    throw new JsonUnitError({ kind: "syntax", what, place: this.placeOf(at), end: false });
  }

  private endsEarly(): never {
    throw new JsonUnitError({
      kind: "syntax",
      what: "Unexpected end of JSON input",
      place: undefined,
      end: true,
    });
  }

  /** JSON.parse's complaint about a unit, placed in the whole document. */
  private syntaxIn(text: string, start: number, error: Error): JsonUnitProblem {
    const position = /position (\d+)/.exec(error.message)?.[1];
    const what = error.message.replace(/ (in JSON )?at position \d+.*$/, "");
    if (position === undefined)
      return { kind: "syntax", what, place: undefined, end: /Unexpected end/.test(error.message) };
    const offset = Number(position);
    const before = text.slice(0, offset);
    const newlines = before.split("\n").length - 1;
    const origin = this.placeOf(start);
    const place =
      newlines === 0
        ? { line: origin.line, column: origin.column + offset }
        : { line: origin.line + newlines, column: offset - before.lastIndexOf("\n") };
    return { kind: "syntax", what, place, end: false };
  }
}
