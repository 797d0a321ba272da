import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  GENESIS_PREV,
  LEDGER_EVENT_VERSION,
  readLedger,
  verifyLedger,
} from "../../src/audit/ledger/index.js";
import { synthApp } from "../../src/check/synth-app.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { apply, init, plan, resolveEngine } from "../../src/runner/index.js";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// `tempgrant sweep` on a project whose grants were applied: real tofu, the clock moved by
// --now, chained ledger events per stack (sweep, then verification), distinct exit codes.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const hour = 3_600;
const t0 = Math.floor(Date.now() / 1000) + 60;
const at = (seconds: number) => formatTimestamp(seconds);
const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");

describe("tempgrant sweep", () => {
  it("revokes the expired grant, leaves a merged-but-unapplied one pending (exit 4), and records it", async () => {
    project.writeGrants([
      { id: "alice", expiresAt: at(t0 + hour) },
      { id: "bob", expiresAt: at(t0 + 3 * hour) },
    ]);
    const stacks = await synthApp({ projectDir: project.dir, outdir: "cdktf.out", now: at(t0) });
    const workspace = { engine: resolveEngine(), workingDir: stacks.ledger ?? "", lockTimeout: "30s" };
    await init(workspace);
    await apply(workspace, (await plan(workspace, { out: "merge.tfplan" })).planFile);

    project.writeGrants([
      { id: "alice", expiresAt: at(t0 + hour) },
      { id: "bob", expiresAt: at(t0 + 3 * hour) },
      { id: "carol", expiresAt: at(t0 + 5 * hour) },
    ]);
    const result = await runCli(["sweep", "--chdir", project.dir, "--now", at(t0 + hour)]);
    expect(result.exitCode).toBe(4);
    expect(result.stdout.trim().split("\n")).toEqual([
      "ledger: revoked 1 grant(s) (alice), verified",
      "ledger: 2 other change(s) pending: create tempgrant_grant.grant_carol, create terraform_data.grant_carol_access",
      `ledger: next expiry ${at(t0 + 3 * hour)} (bob)`,
    ]);
    const entries = await readLedger(ledger);
    // Before acting, then after: a sweep killed mid-apply still shows where it stopped.
    expect(entries.map(({ seq, event }) => [seq, event.type])).toEqual([
      [1, "sweep-started"],
      [2, "sweep"],
      [3, "verification"],
    ]);
    expect(entries[0]?.prev).toBe(GENESIS_PREV);
    expect(entries[1]?.prev).toBe(entries[0]?.hash);
    const [started, sweep, verification] = entries.map(
      (entry) => entry.event as unknown as Record<string, unknown>,
    );
    expect(started).toEqual({
      type: "sweep-started",
      version: 2,
      stack: "ledger",
      now: at(t0 + hour),
      grants: ["alice"],
      planSha256: sweep?.planSha256,
    });
    expect(sweep).toMatchObject({ type: "sweep", stack: "ledger", now: at(t0 + hour), verified: true });
    expect((sweep?.revoked as { id: string }[]).map((r) => r.id)).toEqual(["alice"]);
    expect(sweep?.planSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(verification).toEqual({
      type: "verification",
      version: 2,
      stack: "ledger",
      now: at(t0 + hour),
      grants: ["alice"],
      verified: true,
      method: "re-plan",
    });
    expect((await verifyLedger(ledger)).valid).toBe(true);
  });

  it("revokes a grant that became invalid, and says so loudly", async () => {
    project.writeGrants([{ id: "bob", expiresAt: "2027-01-01T00:00:00" }]);
    const result = await runCli(["sweep", "--chdir", project.dir, "--now", at(t0 + hour), "--json"]);
    expect(result.stderr).toMatch(/INVALID grant bob .* is revoked: .*has no zone/);
    const event = JSON.parse(result.stdout) as {
      revoked: { id: string }[];
      invalidGrants: string[];
      pending: unknown[];
      phases: Record<string, number>;
    };
    expect(event.revoked.map((r) => r.id)).toEqual(["bob"]);
    // The seconds of each step, the app's run (synth) included; the ledger's event has them too.
    expect(Object.keys(event.phases)).toEqual(["synth", "init", "plan", "check", "apply", "verify"]);
    expect(event.phases.synth).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/\[sweep\] ledger: phases \(s\): synth \d+\.\d\d, init /);
    const recorded = (await readLedger(ledger)).at(-2)?.event as { type: string; phases?: unknown };
    expect(recorded).toMatchObject({ type: "sweep", phases: event.phases });
    expect(event.invalidGrants).toEqual(["bob"]);
    expect(result.exitCode).toBe(0);
  });

  it("sweeps even when the --ledger is not a ledger: events to stderr as JSON, exit 1, the file untouched", async () => {
    const foreign = join(project.dir, "notes.txt");
    writeFileSync(foreign, "not a ledger\n");
    const result = await runCli([
      "sweep",
      "--chdir",
      project.dir,
      "--now",
      at(t0 + 9 * hour),
      "--ledger",
      foreign,
    ]);
    const why = `${foreign}:1: not a ledger entry: not JSON; run \`tempgrant audit verify\``;
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`[sweep] WARNING the ledger cannot be read (${why}); revoking anyway`);
    // The sweep ran: its event, which the ledger refused, is on stderr.
    const unrecorded = result.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { unrecorded: { type: string }; error: string });
    expect(unrecorded.map((line) => [line.unrecorded.type, line.error])).toEqual([["sweep", why]]);
    // As the ledger would have held it: its format's version right after the type.
    expect(Object.keys(unrecorded[0]!.unrecorded).slice(0, 2)).toEqual(["type", "version"]);
    expect((unrecorded[0]!.unrecorded as { version?: unknown }).version).toBe(LEDGER_EVENT_VERSION);
    expect(result.stderr.trim().split("\n").at(-1)).toMatch(
      /^tempgrant: ledger: 1 event\(s\) could not be recorded in .*notes\.txt/,
    );
    expect(readFileSync(foreign, "utf8")).toBe("not a ledger\n");
  });

  it("records a failed sweep as a failure event chained onto the others (exit 1)", async () => {
    const result = await runCli(["sweep", "--chdir", project.dir, "--now", at(t0 + 9 * hour)], {
      TEMPGRANT_ENGINE_BINARY: "/bin/false",
    });
    expect(result.exitCode).toBe(1);
    const entries = await readLedger(ledger);
    expect(entries.at(-1)?.event).toEqual({
      type: "failure",
      version: 2,
      step: "sweep",
      now: at(t0 + 9 * hour),
      stack: "ledger",
      error: expect.stringMatching(/^sweep ledger: init: /),
    });
    const verification = await verifyLedger(ledger);
    expect([verification.valid, verification.head?.seq]).toEqual([true, entries.length]);
  });

  it("exits 2 on a bad clock", async () => {
    const result = await runCli(["sweep", "--chdir", project.dir, "--now", "tomorrow"]);
    expect([result.exitCode, result.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/^tempgrant: --now: "tomorrow" is not an RFC 3339 timestamp/),
    ]);
  });
});
