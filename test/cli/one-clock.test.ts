import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { x as extractTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendLedgerEvent } from "../../src/audit/ledger/index.js";
import { runCli } from "../support/cli.js";
import { aliceRecord, applyEvent } from "../support/grant-record.js";

// Issue 17 item 7: one clock. `audit who`, `report` and `export` take --now and TEMPGRANT_NOW
// like every other command, and a bad value of any flag is named by that flag.
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-one-clock-"));
const ledger = join(scratch, "ledger.jsonl");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// alice's grant, applied in 2030: before then, "now" has no window of hers.
beforeAll(async () => {
  await appendLedgerEvent(
    ledger,
    applyEvent(aliceRecord({ expiresAt: "2030-01-01T04:00:00Z" }), "2030-01-01T00:00:00Z"),
  );
});

const who = (extra: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(["audit", "who", "--principal", "alice@example.com", "--ledger", ledger, "--json", ...extra], env);
const windows = (stdout: string) => (JSON.parse(stdout) as { windows: { id: string }[] }).windows.length;

describe("one clock for the audit commands", () => {
  it("audit who: the period ends at --now, else at TEMPGRANT_NOW", async () => {
    const before = await who(["--now", "2029-12-31T00:00:00Z"]);
    const after = await who(["--now", "2030-01-01T01:00:00Z"]);
    const fromEnv = await who([], { TEMPGRANT_NOW: "2030-01-01T01:00:00Z" });
    expect([before.exitCode, after.exitCode, fromEnv.exitCode]).toEqual([0, 0, 0]);
    expect([windows(before.stdout), windows(after.stdout), windows(fromEnv.stdout)]).toEqual([0, 1, 1]);
  });

  it("audit report: the default period ends at the run's clock", async () => {
    for (const [args, env] of [
      [["--now", "2030-02-01T00:00:00Z"], {}],
      [[], { TEMPGRANT_NOW: "2030-02-01T00:00:00Z" }],
    ] as const) {
      const result = await runCli(
        ["audit", "report", "--ledger", ledger, "--format", "md", "--out", join(scratch, "r.md"), ...args],
        env,
      );
      expect(result.exitCode, result.stderr).toBe(0);
      expect(readFileSync(join(scratch, "r.md"), "utf8")).toMatch(/to 2030-02-01T00:00:00Z/);
    }
  });

  it("audit export: the pack is made at --now", async () => {
    const out = join(scratch, "pack.tar.gz");
    const args = ["--ledger", ledger, "--out", out, "--now", "2030-02-01T00:00:00Z"];
    const result = await runCli(["audit", "export", ...args]);
    expect(result.exitCode, result.stderr).toBe(0);
    const unpacked = mkdtempSync(join(scratch, "pack-"));
    await extractTar({ file: out, cwd: unpacked });
    expect(JSON.parse(readFileSync(join(unpacked, "MANIFEST.json"), "utf8"))).toMatchObject({
      createdAt: "2030-02-01T00:00:00Z",
    });
  });

  it("names the flag (or variable) a bad value came from", async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [["audit", "who", "--target", "x", "--now", "2030"], {}, /^tempgrant: --now: "2030" is not/],
      [
        ["audit", "report", "--ledger", ledger],
        { TEMPGRANT_NOW: "soon" },
        /^tempgrant: TEMPGRANT_NOW: "soon"/,
      ],
      [["audit", "export", "--out", join(scratch, "x.tgz"), "--now", "x"], {}, /^tempgrant: --now: "x"/],
      [
        ["audit", "who", "--target", "x", "--ledger", join(scratch, "none")],
        {},
        /^tempgrant: --ledger .*none: no such file/,
      ],
      [
        ["audit", "verify", "--config", join(scratch, "none.yaml")],
        {},
        /^tempgrant: --config .*none\.yaml: no such file$/,
      ],
      [["grants", "--at", "2030-01-01"], {}, /^tempgrant: --at: "2030-01-01"/],
      [["grants", "--dir", join(scratch, "none")], {}, /^tempgrant: --dir ".*none": no such folder$/],
      [
        ["check", "plan.json", "--bundle", join(scratch, "none.wasm")],
        {},
        /^tempgrant: --bundle .*none\.wasm: no such file$/,
      ],
      [
        ["policy", "build", "--opa", "no-such-opa", "--out", join(scratch, "p.wasm")],
        {},
        /^tempgrant: --opa no-such-opa: no such program/,
      ],
    ];
    for (const [args, env, pattern] of cases) {
      const result = await runCli(args, env);
      expect([args.join(" "), result.exitCode]).toEqual([args.join(" "), 2]);
      expect(result.stderr.trim()).toMatch(pattern);
    }
  });
});
