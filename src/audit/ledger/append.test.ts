import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appendLedgerEvent } from "./append.js";
import { GENESIS_PREV, type LedgerEvent } from "./entry.js";
import { readLedger } from "./read.js";
import { readLedgerHead } from "./tail.js";
import { verifyLedger } from "./verify.js";

const dir = mkdtempSync(join(tmpdir(), "tempgrant-ledger-append-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(dir, `ledger-${++count}`, "ledger.jsonl");
const failure = (error: string): LedgerEvent => ({
  type: "failure",
  step: "sweep",
  now: "2026-11-25T18:00:00Z",
  stack: "prod",
  error,
});
const clock = () => Date.UTC(2026, 10, 25, 18, 0, 7) / 1000;

describe("appendLedgerEvent", () => {
  it("starts the chain at seq 1 from 64 zeros, creating the folder, and chains each line to the last", async () => {
    const path = fresh();
    const first = await appendLedgerEvent(path, failure("one"), { clock });
    const second = await appendLedgerEvent(path, failure("two"), { clock });
    expect(first).toMatchObject({ seq: 1, prev: GENESIS_PREV, at: "2026-11-25T18:00:07Z" });
    expect(second).toMatchObject({ seq: 2, prev: first.hash });
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(JSON.parse(lines[1] ?? "")).toEqual(second);
    expect(Object.keys(JSON.parse(lines[0] ?? ""))).toEqual(["seq", "prev", "at", "event", "hash"]);
  });

  it("hashes the RFC 8785 form of seq, prev, at and event: sorted keys, no blanks", async () => {
    const path = fresh();
    const entry = await appendLedgerEvent(path, failure('é \u2028 "quoted"'), { clock });
    // Written out by hand, independently of the canonicalize package.
    const canonical =
      `{"at":"2026-11-25T18:00:07Z","event":{"error":"é \u2028 \\"quoted\\"","now":"2026-11-25T18:00:00Z",` +
      `"stack":"prod","step":"sweep","type":"failure","version":2},"prev":"${GENESIS_PREV}","seq":1}`;
    expect(entry.hash).toBe(createHash("sha256").update(canonical, "utf8").digest("hex"));
  });

  it("stamps this tempgrant's event version after the type, over any version given", async () => {
    const path = fresh();
    await appendLedgerEvent(path, failure("versioned"), { clock });
    await appendLedgerEvent(path, { ...failure("claims 1"), version: 1 }, { clock });
    const events = readFileSync(path, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { event: object }).event);
    for (const event of events) expect(Object.keys(event).slice(0, 2)).toEqual(["type", "version"]);
    expect(events.map((event) => (event as { version: unknown }).version)).toEqual([2, 2]);
    expect((await verifyLedger(path)).valid).toBe(true);
  });

  it("records the wall clock of the append by default, in whole seconds", async () => {
    const before = Math.floor(Date.now() / 1000);
    const entry = await appendLedgerEvent(fresh(), failure("now"));
    const at = Date.parse(entry.at) / 1000;
    expect(entry.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it("reads the previous entry from the tail, however long the lines are", async () => {
    const path = fresh();
    await appendLedgerEvent(path, failure("x".repeat(200_000)), { clock });
    await appendLedgerEvent(path, failure("y".repeat(70_000)), { clock });
    const third = await appendLedgerEvent(path, failure("short"), { clock });
    expect(third.seq).toBe(3);
    expect((await verifyLedger(path)).valid).toBe(true);
    expect(await readLedgerHead(path)).toEqual(third);
  });

  it("never loses or repeats a seq when one process appends concurrently", async () => {
    const path = fresh();
    await Promise.all(Array.from({ length: 40 }, (_, i) => appendLedgerEvent(path, failure(`e${i}`))));
    const entries = await readLedger(path);
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(entries.map((entry) => (entry.event as { error: string }).error)).size).toBe(40);
    expect((await verifyLedger(path)).valid).toBe(true);
  });

  it("refuses to chain onto an incomplete last line, a foreign file or a pre-chain ledger, naming file:line", async () => {
    const torn = fresh();
    await appendLedgerEvent(torn, failure("one"), { clock });
    writeFileSync(torn, '{"seq":2,"prev":"ab', { flag: "a" });
    await expect(appendLedgerEvent(torn, failure("two"))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: `${torn}:2: the last line is incomplete (an append was interrupted?); run \`tempgrant audit verify\``,
    });

    const foreign = join(dir, "notes.txt");
    writeFileSync(foreign, "shopping list\nmilk\n");
    await expect(appendLedgerEvent(foreign, failure("x"))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining(`${foreign}:2: not a ledger entry: not JSON`),
    });

    const old = join(dir, "old.jsonl");
    writeFileSync(old, '{"type":"sweep","stack":"prod"}\n{"type":"sweep-failed","stack":"prod"}\n');
    await expect(readLedgerHead(old)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining(`${old}:2: not a ledger entry: an event with no chain`),
    });
    expect(readFileSync(old, "utf8").split("\n")).toHaveLength(3);
  });

  it("takes over a lock left by a dead process once it is stale", async () => {
    const path = fresh();
    await appendLedgerEvent(path, failure("one"), { clock });
    // What SIGKILL leaves behind: the lock directory, no longer refreshed.
    mkdirSync(`${path}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    const entry = await appendLedgerEvent(path, failure("two"), { clock, lockWaitMs: 1_000 });
    expect(entry.seq).toBe(2);
  });

  it("gives up with LEDGER_LOCKED when a live lock is held past the wait, writing nothing", async () => {
    const path = fresh();
    await appendLedgerEvent(path, failure("one"), { clock });
    mkdirSync(`${path}.lock`);
    await expect(appendLedgerEvent(path, failure("two"), { lockWaitMs: 200 })).rejects.toMatchObject({
      code: "LEDGER_LOCKED",
      message: expect.stringContaining(`${path}.lock was held by another process`),
    });
    rmSync(`${path}.lock`, { recursive: true });
    expect((await readLedger(path)).length).toBe(1);
  });
});
