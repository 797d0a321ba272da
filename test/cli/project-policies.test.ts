import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { shippedBundlePath } from "../../src/policy/bundle-location.js";
import { approveDeclaredGrants } from "../support/approve-grants.js";
import { makeProject } from "../support/cdktf-project.js";
import { runCli } from "../support/cli.js";

// A project's own Rego under policies/ is enforced by plan, check and apply with no flag:
// built with the shipped pack on first use, rebuilt when a source changes, reused otherwise.
// The policy is the example `tempgrant init` writes (admin access needs two approvers).
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-own-policy-"));
const { dir } = makeProject();
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});
const RULE = join(dir, "policies", "rules", "org", "admin-two-approvers", "admin_two_approvers.rego");
const CACHE =
  /policies\/ (changed: building it with the shipped pack into|unchanged: using the cached bundle) (\.tempgrant\/policy\/[0-9a-f]{32}\.wasm)/;

interface CheckJson {
  passed: boolean;
  deny: { rule: string; grant: string | null }[];
}

const plan = async (...extra: string[]) => {
  const result = await runCli(["plan", "--chdir", dir, "--format", "json", ...extra]);
  const match = CACHE.exec(result.stderr);
  return {
    result,
    report: JSON.parse(result.stdout || "{}") as CheckJson,
    built: match?.[1]?.startsWith("changed") ?? false,
    bundle: match?.[2] ? join(dir, match[2]) : undefined,
  };
};
const denials = (report: CheckJson) => report.deny.map((verdict) => `${verdict.rule} ${verdict.grant}`);

describe("the project's own Rego, with no --bundle", () => {
  it("init's example policy denies an admin grant with one approver: built on first use", async () => {
    const init = await runCli(["init", join(scratch, "new"), "--ci", "none", "--tempgrant-spec", "^0.1.0"]);
    expect(init.exitCode, init.stderr).toBe(0);
    cpSync(join(scratch, "new", "policies"), join(dir, "policies"), { recursive: true });
    mkdirSync(join(dir, "grants"));
    const expiresAt = formatTimestamp(Math.floor(Date.now() / 1000) + 3_600);
    writeFileSync(
      join(dir, "grants", "team.yaml"),
      [
        "grants:",
        "  - id: dave-admin",
        "    principal: dave@example.com",
        "    target: ledger-db",
        "    access: admin",
        `    expiresAt: ${expiresAt}`,
        "    reason: rotate the signing keys after the audit",
        "    ticket: SEC-7",
        "    requestedBy: dave@example.com",
        "    approvedBy: [erin@example.com]",
        "",
      ].join("\n"),
    );
    // erin signs (real evidence), so only the project's own rule decides.
    approveDeclaredGrants(dir);
    const first = await plan();
    expect(first.result.exitCode, first.result.stderr).toBe(1);
    expect(denials(first.report)).toEqual(["org/admin-two-approvers dave-admin"]);
    expect(first.built, first.result.stderr).toBe(true);
  });

  it("tempgrant policy test: the shipped pack's tests and the project's, with the toolchain's opa", async () => {
    const passed = await runCli(["policy", "test", "policies"], {}, dir);
    expect(passed.exitCode, `${passed.stdout}${passed.stderr}`).toBe(0);
    const total = Number(/PASS: (\d+)\/\1/.exec(passed.stdout)?.[1]);
    // A test of the project's that fails is exit 1, with opa's report; nothing else changes.
    const failing = join(dir, "policies", "failing_test.rego");
    writeFileSync(failing, "package tempgrant.rules.org.failing_test\n\ntest_always_fails if false\n");
    const failed = await runCli(["policy", "test", "policies"], {}, dir);
    rmSync(failing);
    expect(failed.exitCode, `${failed.stdout}${failed.stderr}`).toBe(1);
    expect(failed.stdout).toContain("test_always_fails");
    expect(failed.stdout).toContain(`FAIL: 1/${total + 1}`);
  });

  it("unchanged sources: the cached bundle is used as it is", async () => {
    const before = await plan();
    expect(before.built).toBe(false);
    expect(before.bundle).toBeDefined();
    const stamp = statSync(before.bundle ?? "").mtimeMs;
    const again = await plan();
    expect(again.result.exitCode).toBe(1);
    expect(again.built, again.result.stderr).toBe(false);
    expect(again.bundle).toBe(before.bundle);
    expect(statSync(again.bundle ?? "").mtimeMs).toBe(stamp);
  });

  it("check (run in the project) and apply use it too; --bundle still wins", async () => {
    const stackDir = join(dir, "cdktf.out", "stacks", "ledger");
    const planFile = join(stackDir, "tempgrant.tfplan");
    const inProject = await runCli(
      ["check", planFile, "--chdir", stackDir, "--signatures", "approvals", "--format", "json"],
      {},
      dir,
    );
    expect(inProject.exitCode, inProject.stderr + inProject.stdout).toBe(1);
    expect(inProject.stdout, inProject.stderr).not.toBe("");
    expect(denials(JSON.parse(inProject.stdout) as CheckJson)).toEqual([
      "org/admin-two-approvers dave-admin",
    ]);
    expect(inProject.stderr).toMatch(CACHE);
    const apply = await runCli(["apply", "--chdir", dir]);
    expect(apply.exitCode).toBe(1);
    expect(apply.stdout).toContain("org/admin-two-approvers");
    expect(apply.stderr).toContain("[apply] policy denials: nothing applied");
    const shipped = await plan("--bundle", shippedBundlePath());
    expect(shipped.result.exitCode, shipped.result.stderr).toBe(0);
  });

  it("an edited policy is rebuilt and enforced as edited", async () => {
    const old = await plan();
    writeFileSync(RULE, readFileSync(RULE, "utf8").replace("count(others) < 2", "count(others) < 1"));
    const edited = await plan();
    expect(edited.built, edited.result.stderr).toBe(true);
    expect(edited.bundle).not.toBe(old.bundle);
    expect(edited.result.exitCode, edited.result.stdout).toBe(0);
  });

  it("Rego that does not build stops the run: exit 2 naming the folder, never the shipped bundle alone", async () => {
    writeFileSync(
      join(dir, "policies", "broken.rego"),
      "package tempgrant.rules.org.broken\n\ndeny contains x if {\n",
    );
    const broken = await plan();
    expect(broken.result.exitCode).toBe(2);
    expect(broken.result.stdout).toBe("");
    expect(broken.result.stderr).toContain(`${join(dir, "policies")}: your Rego does not build`);
    rmSync(join(dir, "policies", "broken.rego"));
  });
});
