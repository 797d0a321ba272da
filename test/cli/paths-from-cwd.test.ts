import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// Issue 17 item 9: paths given on the command line are relative to where the user stands,
// --chdir or not; the project's own tempgrant.yaml is the default --config under --chdir.
const project = makeProject();
const elsewhere = mkdtempSync(join(tmpdir(), "tempgrant-elsewhere-"));
afterAll(() => {
  rmSync(project.dir, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});
project.writeGrants([{ id: "alice", expiresAt: formatTimestamp(Math.floor(Date.now() / 1000) + 3 * 3_600) }]);

describe("paths under --chdir", () => {
  it("plan --chdir: --out is relative to the cwd, and the project's tempgrant.yaml applies", async () => {
    const config = join(project.dir, "tempgrant.yaml");
    const original = readFileSync(config, "utf8");
    // The project's allowed signers (its grants are signed), and two approvers required.
    writeFileSync(config, "approvals:\n  allowedSigners: allowed_signers\n  required: 2\n");
    try {
      const result = await runCli(
        ["plan", "--chdir", relative(elsewhere, project.dir), "--out", "synth-here"],
        {},
        elsewhere,
      );
      expect(existsSync(join(elsewhere, "synth-here", "manifest.json"))).toBe(true);
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stdout).toContain("DENY approvals/min-approvers");
    } finally {
      writeFileSync(config, original);
    }
  });

  it("check --chdir DIR PLAN reads PLAN from where the user stands", async () => {
    const planned = await runCli(["plan", "--chdir", project.dir]);
    expect(planned.exitCode, planned.stderr).toBe(0);
    const stack = join(project.dir, "cdktf.out", "stacks", "ledger");
    const result = await runCli(
      [
        "check",
        "cdktf.out/stacks/ledger/tempgrant.tfplan",
        "--chdir",
        stack,
        "--signatures",
        "approvals",
        "--format",
        "json",
      ],
      {},
      project.dir,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ passed: true, grants: 1 });
  });
});
