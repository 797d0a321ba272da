import { describe, expect, it } from "vitest";
import {
  LONE_SURROGATE_MESSAGE,
  loneSurrogateEscape,
  MAX_JSON_DEPTH,
  strictJsonProblem,
} from "./strict-json.js";

describe("strictJsonProblem", () => {
  it("accepts what JSON.parse reads the same as any strict reader", () => {
    for (const text of [
      '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
      '{"a\\"b":1,"a\\\\":2,"\\\\":3,"x":"\\"a\\":1"}',
      '{ "a" : -0.5e-3 , "b" : [ 1E2 , 9007199254740991 ] }',
      JSON.stringify({ keys: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])) }),
      `${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`,
    ]) {
      expect(strictJsonProblem(text), text).toBeUndefined();
    }
  });

  it.each([
    ['{"a":1,"a":1}', 'duplicate key "a"', 1, 8],
    ['{"a":1,\n "b":{"c":1,\n  "c":2}}', 'duplicate key "c"', 3, 3],
    ['{"a":1,"\\u0061":2}', 'duplicate key "a"', 1, 8],
    [
      `{${Array.from({ length: 30 }, (_, i) => `"k${i}":${i}`).join(",")},"k29":0}`,
      'duplicate key "k29"',
      1,
      252,
    ],
    ['{"a" : 1, "a" : 2}', 'duplicate key "a"', 1, 11],
    ['{"n":1e999}', "the number 1e999 is out of range (not a finite double)", 1, 6],
    ["[-1e400]", "the number -1e400 is out of range (not a finite double)", 1, 2],
    [
      `${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}`,
      `nested deeper than ${MAX_JSON_DEPTH} levels`,
      1,
      MAX_JSON_DEPTH + 1,
    ],
  ])("finds the problem in %s", (text, message, line, column) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(strictJsonProblem(text)).toMatchObject({ message, line, column });
  });

  it("with exactNumbers, refuses integers beyond 2^53 - 1 and literals that underflow to 0", () => {
    expect(strictJsonProblem("[9007199254740993]")).toBeUndefined();
    expect(strictJsonProblem("[9007199254740993]", { exactNumbers: true })?.message).toMatch(
      /beyond 2\^53 - 1/,
    );
    expect(strictJsonProblem("[1e-999]", { exactNumbers: true })?.message).toMatch(/too small to represent/);
    expect(strictJsonProblem("[0.0e5, 0, -0, 1.5, 1e300]", { exactNumbers: true })).toBeUndefined();
  });

  it("quotes at most 40 characters of a long key", () => {
    const key = "k".repeat(100);
    expect(strictJsonProblem(`{"${key}":1,"${key}":2}`)?.message).toBe(`duplicate key "${"k".repeat(40)}…"`);
  });
});

describe("loneSurrogateEscape", () => {
  it.each([
    ['["\\ud800"]', 2],
    ['["ok","\\uDBFF!"]', 7],
    ['["\\udc00"]', 2],
    ['["\\ud83d\\u0041"]', 2], // a high half followed by something else
    ['["\\ud83d"]', 2], // the text ends after the high half
    ['["\\ude00\\ud83d"]', 2], // halves in the wrong order
    ['["\\ud83d\\ude00","\\udfff"]', 17], // a pair, then a lone low half
  ])("finds the lone half in %s", (text, offset) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(loneSurrogateEscape(text)).toBe(offset);
    expect(strictJsonProblem(text)).toMatchObject({
      message: LONE_SURROGATE_MESSAGE,
      line: 1,
      column: offset + 1,
    });
  });

  it.each([
    '["\\ud83d\\ude00"]', // a pair: 😀
    '["\\uD83D\\uDE00 and \\u00e9 and \\u003c"]',
    '["\\\\ud800"]', // an escaped backslash, then the letters u d 8 0 0
    '["\\ud83d\ude00"]', // the low half written as itself
    '["no escapes at all"]',
  ])("accepts %s", (text) => {
    expect(loneSurrogateEscape(text)).toBe(-1);
    expect(strictJsonProblem(text)).toBeUndefined();
  });
});
