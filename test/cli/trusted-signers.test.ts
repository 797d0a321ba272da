import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { makeProject } from "../support/cdktf-project.js";
import { runCli } from "../support/cli.js";
import { allowedSignersLine, fileSignature, makeSigner, sshSign } from "../support/ssh-keys.js";

// A pull request must not be able to approve its own grant by adding a key: the GitHub check
// reads tempgrant.yaml and allowed_signers from the base commit (--config), and the
// signatures from the pull request (--signatures).
const project = makeProject();
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-trusted-signers-"));
afterAll(() => {
  rmSync(project.dir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});
project.writeGrants([{ id: "alice", expiresAt: formatTimestamp(Math.floor(Date.now() / 1000) + 3 * 3_600) }]);
const base = join(scratch, "base");
mkdirSync(base);
// The base commit: bob's real key (the project's grants were signed with it).
for (const file of ["tempgrant.yaml", "allowed_signers"]) cpSync(join(project.dir, file), join(base, file));
const fromBase = ["--config", join(base, "tempgrant.yaml"), "--signatures", join(project.dir, "approvals")];

describe("who may approve is read from a trusted copy of tempgrant.yaml", () => {
  it("bob's real signature passes against the base commit's allowed signers", async () => {
    const result = await runCli(["plan", "--chdir", project.dir, ...fromBase, "--format", "json"]);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
  });

  it("a key the pull request adds for bob counts only in the pull request's own file", async () => {
    const listed = await runCli(["grants", "--chdir", project.dir, "--format", "json"]);
    const digest = (JSON.parse(listed.stdout) as { grants: { id: string; digest: string }[] }).grants.find(
      (grant) => grant.id === "alice",
    )?.digest;
    expect(digest).toMatch(/^sha256:/);
    // The requester makes a key, lists it as bob's in the pull request, and signs as bob.
    const mallory = await makeSigner(scratch, "alice@example.com");
    writeFileSync(
      join(project.dir, "allowed_signers"),
      `${allowedSignersLine(mallory, "", "bob@example.com")}\n`,
    );
    fileSignature(
      join(project.dir, "approvals"),
      "alice",
      "bob@example.com",
      await sshSign(mallory, digest!),
    );

    // Read from the pull request itself, the forged approval passes: why CI must not do that.
    const untrusted = await runCli(["plan", "--chdir", project.dir, "--format", "json"]);
    expect(untrusted.exitCode, untrusted.stderr).toBe(0);

    const trusted = await runCli(["plan", "--chdir", project.dir, ...fromBase, "--format", "json"]);
    expect(trusted.exitCode, trusted.stderr).toBe(1);
    const deny = (JSON.parse(trusted.stdout) as { deny: { rule: string; message: string }[] }).deny;
    expect(deny.map(({ rule }) => rule).sort()).toEqual([
      "approvals/evidence-verified",
      "approvals/min-approvers",
    ]);
    expect(deny.find(({ rule }) => rule === "approvals/evidence-verified")?.message).toMatch(
      new RegExp(
        `the approval of "bob@example.com" does not count: key SHA256:\\S+ is not in ${join(base, "allowed_signers")}`,
      ),
    );
  });
});
