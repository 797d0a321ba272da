import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// `tempgrant plan` on a small project of its own: its cdktf app is run the way cdktf-cli
// would run it, with the clock passed in, then every stack is planned by real tofu and checked.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const expires = () => formatTimestamp(Math.floor(Date.now() / 1000) + 3 * 3_600);
const writeGrants = (approver: string) =>
  project.writeGrants([{ id: "alice", expiresAt: expires(), approvedBy: approver }]);

describe("tempgrant plan", () => {
  it("synthesizes, plans with real tofu and passes a well-formed grant", async () => {
    writeGrants("bob@example.com");
    const result = await runCli(["plan", "--chdir", project.dir, "--format", "json"]);
    expect(result.stderr).toContain("[plan] ledger: init, plan, check...");
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as { passed: boolean; grants: number; resources: number };
    expect(report).toMatchObject({ passed: true, grants: 1, resources: 2 });
  });

  it("exits 1 on a denial, naming the rule", async () => {
    writeGrants("Alice@Example.com");
    const result = await runCli(["plan", "--chdir", project.dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("DENY approvals/no-self-approval");
  });

  it("writes durations in denials as people do (8d4h49m10s), not in raw seconds", async () => {
    const now = Math.floor(Date.now() / 1000);
    project.writeGrants([{ id: "alice", expiresAt: formatTimestamp(now + 708_550) }]);
    const result = await runCli(["plan", "--chdir", project.dir, "--now", formatTimestamp(now)]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "grant alice: read access to ledger-db for 8d4h49m10s is longer than the 7d allowed",
    );
  });

  it("exits 2 for a folder without cdktf.json and for an unknown stack", async () => {
    const empty = await runCli(["plan", "--chdir", join(project.dir, "grants")]);
    expect([empty.exitCode, empty.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/cdktf\.json: no such file/),
    ]);
    writeGrants("bob@example.com");
    const unknown = await runCli(["plan", "--chdir", project.dir, "--stack", "nope"]);
    expect([unknown.exitCode, unknown.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/no stack "nope" \(the app synthesized: ledger\)/),
    ]);
  });
});
