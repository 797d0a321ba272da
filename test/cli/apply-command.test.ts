import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveEngine, stateIdentity } from "../../src/runner/index.js";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// `tempgrant apply`: the merge-time path with real tofu: it applies exactly the checked
// plans, and nothing at all when a check denies.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const expires = formatTimestamp(Math.floor(Date.now() / 1000) + 4 * 3_600);
const workspace = () => ({
  engine: resolveEngine(),
  workingDir: join(project.dir, "cdktf.out", "stacks", "ledger"),
  lockTimeout: "30s",
});

describe("tempgrant apply", () => {
  it("applies nothing when a check denies", async () => {
    project.writeGrants([{ id: "alice", expiresAt: expires, approvedBy: "alice@example.com" }]);
    const result = await runCli(["apply", "--chdir", project.dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("[apply] policy denials: nothing applied");
    expect((await stateIdentity(workspace())).serial).toBeNull();
  });

  it("applies the checked plan when every check passes, and records it", async () => {
    project.writeGrants([{ id: "alice", expiresAt: expires }]);
    const result = await runCli(["apply", "--chdir", project.dir, "--format", "json"]);
    expect(result.exitCode).toBe(0);
    expect((JSON.parse(result.stdout) as { passed: boolean }).passed).toBe(true);
    expect((await stateIdentity(workspace())).serial).toBeGreaterThan(0);
    const event = JSON.parse(
      readFileSync(join(project.dir, ".tempgrant", "ledger.jsonl"), "utf8")
        .trim()
        .split("\n")
        .pop() ?? "{}",
    ) as Record<string, unknown>;
    expect(event).toMatchObject({ type: "apply", stack: "ledger", grants: 1, stateSerialBefore: null });
    expect(event.planSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
