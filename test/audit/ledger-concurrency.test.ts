import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readLedger } from "../../src/audit/ledger/index.js";
import { runCommand } from "../../src/exec/run-command.js";
import { runCli } from "../support/cli.js";

// Many processes appending to one ledger at once, as parallel sweep jobs on one runner do:
// the lock must keep every event, once, in one unbroken chain.
const dir = mkdtempSync(join(tmpdir(), "tempgrant-ledger-concurrency-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const APPENDER = fileURLToPath(new URL("../support/ledger-appender.ts", import.meta.url));
const WRITERS = 8;
const EACH = 500;

describe("ledger appends from many processes", () => {
  it(`keeps all ${WRITERS * EACH} events of ${WRITERS} processes, each seq once, and the chain verifies`, async () => {
    const ledger = join(dir, "ledger.jsonl");
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, writer) =>
        runCommand({
          program: process.execPath,
          args: ["--import", "tsx", APPENDER, ledger, String(writer), String(EACH)],
          timeoutMs: 280_000,
        }),
      ),
    );
    const wall = Date.now() - started;
    for (const result of results) expect([result.exitCode, result.stderr]).toEqual([0, ""]);
    const spans = results.map((result) => JSON.parse(result.stdout) as { started: number; ended: number });
    const appending = Math.max(...spans.map((s) => s.ended)) - Math.min(...spans.map((s) => s.started));
    console.log(
      `[ledger concurrency] ${WRITERS} processes x ${EACH} appends: ${appending} ms appending ` +
        `(${((WRITERS * EACH * 1000) / appending).toFixed(0)} appends/s), ${wall} ms with process start-up`,
    );

    const entries = await readLedger(ledger);
    expect(entries).toHaveLength(WRITERS * EACH);
    expect(entries.map((entry) => entry.seq)).toEqual(
      Array.from({ length: WRITERS * EACH }, (_, i) => i + 1),
    );
    // Every writer's events are there, once each, in the order it wrote them.
    for (let writer = 0; writer < WRITERS; writer++) {
      const own = entries
        .filter((entry) => entry.event.type === "verification" && entry.event.stack === `writer-${writer}`)
        .map((entry) => (entry.event.type === "verification" ? entry.event.grants[0] : ""));
      expect(own).toEqual(Array.from({ length: EACH }, (_, i) => `${writer}-${i}`));
    }

    const verify = await runCli(["audit", "verify", "--ledger", ledger]);
    expect([verify.exitCode, verify.stderr]).toEqual([0, ""]);
    expect(verify.stdout).toContain(`${ledger}: chain intact, ${WRITERS * EACH} entries`);
    expect(verify.stdout).toContain(`head: seq ${WRITERS * EACH} ${entries.at(-1)?.hash}`);
  });
});
