import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { synthApp } from "../../src/check/synth-app.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { apply, init, plan, resolveEngine } from "../../src/runner/index.js";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// `tempgrant sweep` on a project whose grants were applied: real tofu, the clock moved by
// --now, one ledger event per stack, distinct exit codes.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const hour = 3_600;
const t0 = Math.floor(Date.now() / 1000) + 60;
const at = (seconds: number) => formatTimestamp(seconds);

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
      "ledger: 2 other change(s) pending: create terraform_data.grant_carol, create terraform_data.grant_carol_access",
      `ledger: next expiry ${at(t0 + 3 * hour)} (bob)`,
    ]);
    const events = readFileSync(join(project.dir, ".tempgrant", "ledger.jsonl"), "utf8")
      .trim()
      .split("\n");
    const event = JSON.parse(events.at(-1) ?? "{}") as Record<string, unknown>;
    expect(event).toMatchObject({ type: "sweep", stack: "ledger", now: at(t0 + hour), verified: true });
    expect((event.revoked as { id: string }[]).map((r) => r.id)).toEqual(["alice"]);
    expect(event.planSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("revokes a grant that became invalid, and says so loudly", async () => {
    project.writeGrants([{ id: "bob", expiresAt: "2027-01-01T00:00:00" }]);
    const result = await runCli(["sweep", "--chdir", project.dir, "--now", at(t0 + hour), "--json"]);
    expect(result.stderr).toMatch(/INVALID grant bob .* is revoked: .*has no zone/);
    const event = JSON.parse(result.stdout) as {
      revoked: { id: string }[];
      invalidGrants: string[];
      pending: unknown[];
    };
    expect(event.revoked.map((r) => r.id)).toEqual(["bob"]);
    expect(event.invalidGrants).toEqual(["bob"]);
    expect(result.exitCode).toBe(0);
  });

  it("exits 2 on a bad clock", async () => {
    const result = await runCli(["sweep", "--chdir", project.dir, "--now", "tomorrow"]);
    expect([result.exitCode, result.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/^tempgrant: --now: "tomorrow" is not an RFC 3339 timestamp/),
    ]);
  });
});
