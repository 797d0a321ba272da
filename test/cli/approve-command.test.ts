import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/exec/run-command.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { makeProject } from "../support/cdktf-project.js";
import { runCli } from "../support/cli.js";
import { allowedSignersLine, makeSigner, SSH_KEYGEN } from "../support/ssh-keys.js";

// `tempgrant approve` signs as git does (ssh-keygen -Y sign); OpenSSH's own verifier accepts
// what it writes, and the project's plan then counts the approval.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const expiresAt = formatTimestamp(Math.floor(Date.now() / 1000) + 3 * 3_600);

describe("tempgrant approve", () => {
  it("writes a signature that ssh-keygen -Y verify accepts over the digest `tempgrant grants` shows", async () => {
    project.writeGrants([{ id: "alice", expiresAt, approvedBy: "erin@example.com" }]);
    rmSync(join(project.dir, "approvals"), { recursive: true, force: true });
    const erin = await makeSigner(join(project.dir, "keys"), "erin@example.com");
    writeFileSync(join(project.dir, "allowed_signers"), `${allowedSignersLine(erin)}\n`);

    // The approver is found in allowed_signers by the key; the key comes from the environment.
    const approved = await runCli(["approve", "alice", "--chdir", project.dir], {
      TEMPGRANT_SIGNING_KEY: erin.keyFile,
    });
    expect(approved.stderr).toBe("");
    expect(approved.exitCode).toBe(0);
    const listing = await runCli(["grants", "--dir", join(project.dir, "grants"), "--format", "json"]);
    const digest = (JSON.parse(listing.stdout) as { grants: { digest: string }[] }).grants[0]!.digest;
    const path = join(project.dir, "approvals", "alice", "erin@example.com.sig");
    expect(approved.stdout).toBe(
      `approved grant alice as erin@example.com: signed ${digest}\nwrote ${path}: commit it to the grant's pull request\n`,
    );

    const verify = (namespace: string, text: string) =>
      runCommand({
        program: SSH_KEYGEN,
        args: [
          "-Y",
          "verify",
          "-f",
          join(project.dir, "allowed_signers"),
          "-I",
          "erin@example.com",
          "-n",
          namespace,
          "-s",
          path,
        ],
        input: text,
      });
    const good = await verify("tempgrant-grant", digest);
    expect([good.exitCode, good.stdout.trim()]).toEqual([
      0,
      expect.stringMatching(
        /^Good "tempgrant-grant" signature for erin@example.com with ED25519 key SHA256:/,
      ),
    ]);
    expect((await verify("tempgrant-grant", `${digest}x`)).exitCode).not.toBe(0);
    expect((await verify("git", digest)).exitCode).not.toBe(0);

    // And tempgrant's plan counts it: the only evidence there is this signature.
    const plan = await runCli(["plan", "--chdir", project.dir, "--format", "json"]);
    expect([plan.exitCode, (JSON.parse(plan.stdout) as { deny: unknown[] }).deny]).toEqual([0, []]);
    expect(readFileSync(path, "utf8")).toMatch(
      /^-----BEGIN SSH SIGNATURE-----\n[\s\S]+-----END SSH SIGNATURE-----\n$/,
    );
  }, 120_000);

  it("exits 2 naming what is missing: the grant, the key, or who the approver is", async () => {
    const noGrant = await runCli(["approve", "nope", "--chdir", project.dir, "--key", "/dev/null"]);
    expect([noGrant.exitCode, noGrant.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/no valid grant "nope" in .*grants/),
    ]);
    const noKey = await runCli(["approve", "alice", "--chdir", project.dir], {
      TEMPGRANT_SIGNING_KEY: "",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
    });
    expect([noKey.exitCode, noKey.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/no signing key: pass --key/),
    ]);
    const stranger = await makeSigner(join(project.dir, "keys"), "stranger@example.com");
    const unknown = await runCli(["approve", "alice", "--chdir", project.dir, "--key", stranger.keyFile]);
    expect([unknown.exitCode, unknown.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/your key is not in .*allowed_signers: pass --as <person>/),
    ]);
  });
});
