import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { makeProject } from "../support/cdktf-project.js";
import { runCli } from "../support/cli.js";

// A project whose app is written with CDK Terrain (cdktn) is listed, planned and checked by
// the CLI as the same project written with cdktf: same grants, same verdict.

const now = Math.floor(Date.now() / 1000);
const NOW = formatTimestamp(now);
const hour = 3_600;
const projects = { cdktf: makeProject(), cdktn: makeProject({ cdk: "cdktn" }) };
afterAll(() => {
  for (const project of Object.values(projects)) rmSync(project.dir, { recursive: true, force: true });
});
for (const project of Object.values(projects)) {
  project.writeGrants([
    { id: "alice", expiresAt: formatTimestamp(now + 3 * hour) },
    { id: "bob", expiresAt: formatTimestamp(now + 2 * hour), breakGlass: true },
    { id: "old", expiresAt: formatTimestamp(now - 2 * hour) },
  ]);
}

describe("a cdktn project, through the CLI", () => {
  it("grants --app lists the same grants, with the same digests", async () => {
    const listings = [];
    for (const project of Object.values(projects)) {
      const result = await runCli([
        "grants",
        "--app",
        "--chdir",
        project.dir,
        "--at",
        NOW,
        "--format",
        "json",
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      listings.push(JSON.parse(result.stdout) as { grants: { id: string; status: string }[] });
    }
    const [withCdktf, withCdktn] = listings;
    expect(withCdktn?.grants.map((grant) => [grant.id, grant.status])).toEqual([
      ["old", "expired"],
      ["bob", "active"],
      ["alice", "active"],
    ]);
    expect(withCdktn).toEqual(withCdktf);
  });

  it("plan synthesizes, plans with tofu and checks it the same: the same grants pass, with the same warnings", async () => {
    const reports = [];
    for (const project of Object.values(projects)) {
      const result = await runCli(["plan", "--chdir", project.dir, "--now", NOW, "--format", "json"]);
      expect(result.exitCode, result.stderr).toBe(0);
      // The report names the plan's file, in the project's own folder.
      reports.push(JSON.parse(result.stdout.replaceAll(project.dir, "<project>")) as Record<string, unknown>);
    }
    const [withCdktf, withCdktn] = reports;
    expect(withCdktn).toMatchObject({ passed: true, grants: 2 });
    expect(withCdktn).toEqual(withCdktf);
  });

  it("apply gives the access, and sweep revokes a grant whose time is up, verified", async () => {
    const dir = projects.cdktn.dir;
    const applied = await runCli(["apply", "--chdir", dir, "--now", NOW, "--format", "json"]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ passed: true, grants: 2 });
    const later = formatTimestamp(now + 2 * hour + 1);
    const swept = await runCli(["sweep", "--chdir", dir, "--now", later]);
    expect(swept.exitCode, swept.stderr).toBe(0);
    expect(swept.stdout.trim().split("\n")).toEqual([
      "ledger: revoked 1 grant(s) (bob), verified",
      "ledger: 0 other change(s) pending",
      `ledger: next expiry ${formatTimestamp(now + 3 * hour)} (alice)`,
    ]);
  });
});
