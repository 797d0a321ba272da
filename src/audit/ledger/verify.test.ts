import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendLedgerEvent } from "./append.js";
import { entryHash } from "./entry-hash.js";
import type { LedgerEntry, LedgerEvent } from "./entry.js";
import { readLedger } from "./read.js";
import { verifyLedger } from "./verify.js";

// Each tampering of a five-line ledger, and the first line verify must name for it.
const dir = mkdtempSync(join(tmpdir(), "tempgrant-ledger-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const original = join(dir, "ledger.jsonl");
let lines: string[] = [];
beforeAll(async () => {
  for (let i = 1; i <= 5; i++) {
    await appendLedgerEvent(original, {
      type: "verification",
      stack: "prod",
      now: "2026-11-25T18:00:00Z",
      grants: [`g${i}`],
      verified: true,
      method: "re-plan",
    });
  }
  lines = readFileSync(original, "utf8").trimEnd().split("\n");
});
let n = 0;
const ledger = (content: string[] | string) => {
  const path = join(dir, `tampered-${++n}.jsonl`);
  writeFileSync(path, typeof content === "string" ? content : `${content.join("\n")}\n`);
  return path;
};
const at = (index: number) => lines[index] ?? "";
const parsed = (index: number) => JSON.parse(at(index)) as LedgerEntry;

describe("verifyLedger", () => {
  it("passes an intact ledger and reports its head", async () => {
    const result = await verifyLedger(original);
    const last = parsed(4);
    expect(result).toEqual({
      path: original,
      valid: true,
      lines: 5,
      head: { seq: 5, hash: last.hash, line: 5 },
      firstBad: null,
      headCheck: null,
    });
  });

  it.each([
    [
      "an edited line",
      () => [at(0), at(1), at(2).replace('"g3"', '"mallory"'), at(3), at(4)],
      { line: 3, seq: 3, fault: "hash-mismatch" },
    ],
    [
      "an edited line whose hash was recomputed",
      () => {
        const { seq, prev, at: time, event } = parsed(2);
        const fields = { seq, prev, at: time, event: { ...event, grants: ["mallory"] } as LedgerEvent };
        return [at(0), at(1), JSON.stringify({ ...fields, hash: entryHash(fields) }), at(3), at(4)];
      },
      { line: 4, seq: 4, fault: "broken-prev-link" },
    ],
    ["a removed line", () => [at(0), at(1), at(3), at(4)], { line: 3, seq: 4, fault: "seq-gap" }],
    ["a removed first line", () => [at(1), at(2), at(3), at(4)], { line: 1, seq: 2, fault: "seq-gap" }],
    ["two lines swapped", () => [at(0), at(1), at(3), at(2), at(4)], { line: 3, seq: 4, fault: "seq-gap" }],
    [
      "a repeated line",
      () => [at(0), at(1), at(1), at(2), at(3), at(4)],
      { line: 3, seq: 2, fault: "seq-gap" },
    ],
    [
      "an inserted line that is not an entry",
      () => [at(0), at(1), '{"note":"nothing to see"}', at(2), at(3), at(4)],
      { line: 3, seq: null, fault: "unparsable" },
    ],
    [
      "a blank line",
      () => [at(0), "", at(1), at(2), at(3), at(4)],
      { line: 2, seq: null, fault: "unparsable" },
    ],
    [
      "an extra field outside the hash",
      () => [at(0), at(1).replace('"hash"', '"note":"unprotected","hash"'), at(2), at(3), at(4)],
      { line: 2, seq: null, fault: "unparsable" },
    ],
  ])("names the first bad line for %s", async (_name, tamper, expected) => {
    const result = await verifyLedger(ledger(tamper()));
    expect(result.valid).toBe(false);
    expect(result.firstBad).toMatchObject(expected);
  });

  it("flags a line that is not UTF-8, reading it as bytes (issue 13 item 6)", async () => {
    const path = ledger("");
    const bad = Buffer.from(at(1).replace('"g2"', '"g\u00e9"'), "utf8");
    // é (c3 a9) with its second byte replaced: decoding would give U+FFFD, and another reader another text.
    bad[bad.indexOf(0xa9)] = 0x28;
    writeFileSync(path, Buffer.concat([Buffer.from(`${at(0)}\n`), bad, Buffer.from("\n")]));
    expect((await verifyLedger(path)).firstBad).toMatchObject({
      line: 2,
      seq: null,
      fault: "unparsable",
      message: "not UTF-8 text",
    });
  });

  it("flags a last line without its newline", async () => {
    const result = await verifyLedger(ledger(`${lines.join("\n")}`));
    expect(result.firstBad).toMatchObject({ line: 5, seq: 5, fault: "unparsable", message: /no newline/ });
  });

  it("cannot see lines removed from the end, but an expected head can", async () => {
    const truncated = ledger([at(0), at(1), at(2)]);
    expect((await verifyLedger(truncated)).valid).toBe(true);
    const result = await verifyLedger(truncated, { expectHead: parsed(4).hash });
    expect(result).toMatchObject({
      valid: false,
      firstBad: null,
      headCheck: { expected: parsed(4).hash, matches: false, foundAtLine: null },
    });
    const grown = await verifyLedger(original, { expectHead: parsed(2).hash });
    expect(grown.headCheck).toEqual({ expected: parsed(2).hash, matches: false, foundAtLine: 3 });
    expect((await verifyLedger(original, { expectHead: parsed(4).hash.toUpperCase() })).valid).toBe(true);
  });

  it("rejects a missing file, an empty file and a file that is not a ledger as INVALID_INPUT", async () => {
    await expect(verifyLedger(join(dir, "nope.jsonl"))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: `${join(dir, "nope.jsonl")}: no such file (no ledger has been written there)`,
    });
    const empty = ledger("");
    await expect(verifyLedger(empty)).rejects.toMatchObject({
      message: `${empty}: empty file, not a ledger`,
    });
    const old = ledger(['{"type":"sweep","stack":"prod"}']);
    await expect(verifyLedger(old)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(new RegExp(`^${old}:1: not a tempgrant ledger: an event with no chain`)),
    });
    await expect(verifyLedger(dir)).rejects.toMatchObject({
      message: `${dir}: is a directory, not a ledger`,
    });
  });
});

describe("readLedger", () => {
  it("returns the entries in file order", async () => {
    const entries = await readLedger(original);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]?.event).toEqual({
      type: "verification",
      version: 2,
      stack: "prod",
      now: "2026-11-25T18:00:00Z",
      grants: ["g1"],
      verified: true,
      method: "re-plan",
    });
  });

  it("names file:line of the first line that is not an entry", async () => {
    const path = ledger([at(0), at(1), "garbage", at(3)]);
    await expect(readLedger(path)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: `${path}:3: not a ledger entry: not JSON`,
    });
    const unknown = ledger([at(0).replace('"verification"', '"party"')]);
    await expect(readLedger(unknown)).rejects.toMatchObject({
      message: `${unknown}:1: not a ledger entry: unknown event type "party"`,
    });
  });
});
