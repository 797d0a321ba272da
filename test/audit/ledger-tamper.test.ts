import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendLedgerEvent,
  entryHash,
  type LedgerEntry,
  type LedgerEvent,
  type LedgerFields,
} from "../../src/audit/ledger/index.js";
import { runCli } from "../support/cli.js";
import { aliceRecord, applyEvent } from "../support/grant-record.js";

// `tempgrant audit verify` through the real CLI, on a ledger of real event shapes that is
// then tampered with in each way an insider could: every change is caught, and the first bad
// line is named.
const dir = mkdtempSync(join(tmpdir(), "tempgrant-ledger-tamper-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const original = join(dir, "ledger.jsonl");
const now = "2026-11-25T18:00:00Z";
const record = aliceRecord({ resources: ["terraform_data.grant_alice_access"] });
const events: LedgerEvent[] = [
  applyEvent(record, now),
  { type: "failure", step: "sweep", now, stack: "prod", error: "sweep prod: plan: backend unreachable" },
  {
    type: "sweep",
    stack: "prod",
    now: "2026-11-25T20:00:00Z",
    dryRun: false,
    revoked: [{ id: "alice", record: { id: "alice" }, addresses: ["tempgrant_grant.grant_alice"] }],
    pending: [],
    planSha256: "b".repeat(64),
    stateSerialBefore: 1,
    stateSerialAfter: 2,
    verified: true,
    durationSeconds: 3.2,
    invalidGrants: [],
    nextExpiry: null,
  },
  {
    type: "verification",
    stack: "prod",
    now: "2026-11-25T20:00:00Z",
    grants: ["alice"],
    verified: true,
    method: "re-plan",
  },
  { type: "failure", step: "apply", now, stack: "staging", error: "apply staging: exited with 1" },
  { type: "failure", step: "apply", now, stack: "staging", error: "apply staging: exited with 1 again" },
];
let lines: string[] = [];
let head = "";
beforeAll(async () => {
  for (const event of events) head = (await appendLedgerEvent(original, event)).hash;
  lines = readFileSync(original, "utf8").trimEnd().split("\n");
});
let n = 0;
const write = (content: string[] | string) => {
  const path = join(dir, `copy-${++n}.jsonl`);
  writeFileSync(path, typeof content === "string" ? content : `${content.join("\n")}\n`);
  return path;
};
const line = (index: number) => lines[index] ?? "";
const verify = (path: string, ...extra: string[]) => runCli(["audit", "verify", "--ledger", path, ...extra]);

describe("tempgrant audit verify", () => {
  it("passes the untouched ledger and prints its head", async () => {
    const result = await verify(original);
    expect([result.exitCode, result.stderr]).toEqual([0, ""]);
    expect(result.stdout).toBe(`${original}: chain intact, 6 entries\nhead: seq 6 ${head}\n`);
  });

  it.each([
    [
      "an edited line",
      () => [line(0), line(1), line(2).replace('"verified":true', '"verified":false'), ...lines.slice(3)],
      "line 3 (seq 3): hash-mismatch: the line's content does not hash to its hash field: it was edited",
    ],
    [
      "a removed line",
      () => [line(0), line(2), ...lines.slice(3)],
      "line 2 (seq 3): seq-gap: expected seq 2, found 3: lines before it were removed, or lines were reordered",
    ],
    [
      "a reordered line",
      () => [line(0), line(1), line(3), line(2), line(4), line(5)],
      "line 3 (seq 4): seq-gap: expected seq 3, found 4: lines before it were removed, or lines were reordered",
    ],
    [
      "an inserted line (a copy of a real entry)",
      () => [line(0), line(1), line(2), line(3), line(1), line(4), line(5)],
      "line 5 (seq 2): seq-gap: expected seq 5, found 2: a line was repeated, inserted or reordered",
    ],
    [
      "an inserted line that is not an entry",
      () => [line(0), '{"type":"apply","stack":"prod"}', ...lines.slice(1)],
      "line 2: unparsable: an event with no chain",
    ],
  ])("detects %s and names the first bad line", async (_name, tamper, expected) => {
    const path = write(tamper());
    const result = await verify(path);
    expect([result.exitCode, result.stderr]).toEqual([1, ""]);
    expect(result.stdout.split("\n")[0]).toContain(`${path}: TAMPERED at ${expected}`);
  });

  it("reports a line rewritten with a fresh hash at the next line's broken link", async () => {
    const rewritten = JSON.parse(line(1)) as LedgerEntry;
    const forged = join(dir, "forged.jsonl");
    writeFileSync(forged, `${line(0)}\n`);
    // The forger re-hashes their edit with the real appender, then puts the rest back.
    const replacement = await appendLedgerEvent(
      forged,
      { ...rewritten.event, error: "nothing happened" } as LedgerEvent,
      {
        clock: () => Date.parse(rewritten.at) / 1000,
      },
    );
    writeFileSync(forged, `${[line(0), JSON.stringify(replacement), ...lines.slice(2)].join("\n")}\n`);
    const result = await verify(forged, "--json");
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: false,
      firstBad: { line: 3, seq: 3, fault: "broken-prev-link" },
    });
  });

  it("cannot see the last lines removed, except against the head recorded earlier", async () => {
    const truncated = write(lines.slice(0, 4));
    const plain = await verify(truncated);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain("head: seq 4 ");
    const anchored = await verify(truncated, "--expect-head", head);
    expect(anchored.exitCode).toBe(1);
    expect(anchored.stdout).toContain(
      `HEAD DIFFERS from the expected ${head}: no entry has that hash: entries were removed from the end`,
    );
    expect((await verify(original, "--expect-head", head)).exitCode).toBe(0);
  });

  it("exits 2 on a missing, empty or foreign file, and on a malformed --expect-head", async () => {
    const missing = await verify(join(dir, "nope.jsonl"));
    expect([missing.exitCode, missing.stderr]).toEqual([
      2,
      `tempgrant: --ledger ${join(dir, "nope.jsonl")}: no such file (no ledger has been written there)\n`,
    ]);
    const empty = write("");
    expect((await verify(empty)).stderr).toBe(`tempgrant: ${empty}: empty file, not a ledger\n`);
    const foreign = write(["# notes", "nothing here"]);
    const notLedger = await verify(foreign);
    expect([notLedger.exitCode, notLedger.stderr]).toEqual([
      2,
      `tempgrant: ${foreign}:1: not a tempgrant ledger: not JSON\n`,
    ]);
    const badHead = await verify(original, "--expect-head", "cafe");
    expect([badHead.exitCode, badHead.stderr]).toEqual([
      2,
      'tempgrant: --expect-head "cafe" is not a sha256 hash (64 hex digits, as verify prints it)\n',
    ]);
  });

  it("finds the ledger through TEMPGRANT_LEDGER, or tempgrant.yaml's ledger: relative to that file", async () => {
    const fromEnv = await runCli(["audit", "verify"], { TEMPGRANT_LEDGER: original });
    expect([fromEnv.exitCode, fromEnv.stdout.split("\n")[0]]).toEqual([
      0,
      `${original}: chain intact, 6 entries`,
    ]);
    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(join(project, "tempgrant.yaml"), "ledger: ../ledger.jsonl\n");
    const fromConfig = await runCli(["audit", "verify", "--config", join(project, "tempgrant.yaml")]);
    expect([fromConfig.exitCode, fromConfig.stdout.split("\n")[0]]).toEqual([
      0,
      `${original}: chain intact, 6 entries`,
    ]);
  });
});

describe("the strict ledger line reader (issue 13 item 6)", () => {
  // A seventh line chained onto the real ledger with a valid hash, then written as `text` makes it.
  const seventh = (event: LedgerEvent, text: (json: string) => string = (json) => json) => {
    const fields: LedgerFields = { seq: 7, prev: head, at: "2026-11-25T21:00:00Z", event };
    return write([...lines, text(JSON.stringify({ ...fields, hash: entryHash(fields) }))]);
  };
  const sweepEvent = events[2] as LedgerEvent;

  it.each([
    [
      "a duplicated key whose last value is the hashed one",
      () => write([line(0), line(1).replace('"event":{', '"event":{"stack":"evil",'), ...lines.slice(2)]),
      'line 2: unparsable: duplicate key "stack"',
    ],
    [
      "a duplicated top-level key",
      () => write([line(0), line(1).replace('{"seq":2,', '{"seq":2,"seq":2,'), ...lines.slice(2)]),
      'line 2: unparsable: duplicate key "seq"',
    ],
    [
      "a number out of range",
      () => write([line(0), line(1), line(2).replace('"durationSeconds":3.2', '"durationSeconds":1e999')]),
      "line 3: unparsable: the number 1e999 is out of range",
    ],
    [
      "an integer a double cannot hold, hashed as the double it reads as",
      () =>
        seventh({ ...sweepEvent, stateSerialAfter: 9007199254740992 } as LedgerEvent, (json) =>
          json.replace("9007199254740992", "9007199254740993"),
        ),
      "line 7: unparsable: the integer 9007199254740993 is beyond 2^53 - 1",
    ],
    [
      // RFC 8785 has no text for it, so the hash could not even be recomputed.
      "half a surrogate pair escaped on its own",
      () =>
        seventh({ type: "failure", step: "sweep", now, stack: "prod", error: "x" }, (json) =>
          json.replace('"error":"x"', '"error":"\\ud800"'),
        ),
      "line 7: unparsable: an escaped lone surrogate (half of a UTF-16 pair): not Unicode text",
    ],
    [
      "a line longer than 1 MiB, even with a valid hash",
      () => seventh({ type: "failure", step: "sweep", now, stack: "prod", error: "x".repeat(1_100_000) }),
      "line 7: unparsable: longer than 1048576 bytes, the limit of a ledger line",
    ],
  ])("names %s as the first bad line, exit 1", async (_name, tampered, expected) => {
    const path = tampered();
    const result = await verify(path);
    expect([result.exitCode, result.stderr]).toEqual([1, ""]);
    expect(result.stdout.split("\n")[0]).toContain(`${path}: TAMPERED at ${expected}`);
  });

  it("is the reader of audit who and audit report too: exit 2 naming file:line", async () => {
    const path = write([
      line(0),
      line(1).replace('"event":{', '"event":{"stack":"evil",'),
      ...lines.slice(2),
    ]);
    const who = await runCli(["audit", "who", "--ledger", path, "--target", "orders-db", "--at", now]);
    expect(who.exitCode).toBe(2);
    expect(who.stderr).toMatch(
      /^tempgrant: .*:2: not a ledger entry: duplicate key "stack" \(column \d+\)\n$/,
    );
    expect(who.stderr).toContain(`${path}:2:`);
    const report = await runCli(["audit", "report", "--ledger", path, "--format", "csv"]);
    expect(report.exitCode).toBe(2);
    expect(report.stderr).toContain(`${path}:2: not a ledger entry: duplicate key "stack"`);
  });
});
