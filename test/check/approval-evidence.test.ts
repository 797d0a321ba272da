import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { approveDeclaredGrants } from "../support/approve-grants.js";
import { makeProject } from "../support/cdktf-project.js";
import { runCli } from "../support/cli.js";
import { allowedSignersLine, fileSignature, makeSigner, sshSign } from "../support/ssh-keys.js";
import { githubReviews } from "../support/github-reviews.js";

// Issue 16: approvals are evidence over the grant's digest. Each failure is a denial that
// names the person and the reason, through a real tofu plan of a project of its own, whose
// approvers signed with keys and signatures made by ssh-keygen.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const t = Math.floor(Date.now() / 1000);
const grants = [
  { id: "alice", expiresAt: formatTimestamp(t + 3 * 3_600) },
  { id: "carol", expiresAt: formatTimestamp(t + 3 * 3_600) },
];
const stackDir = join(project.dir, "cdktf.out", "stacks", "ledger");
const planFile = join(stackDir, "tempgrant.tfplan");
const approvals = join(project.dir, "approvals");
const scratch = join(project.dir, "scratch");

interface Verdict {
  rule: string;
  grant: string | null;
  message: string;
}
async function denials(args: string[]): Promise<{ exitCode: number; deny: Verdict[] }> {
  const result = await runCli([...args, "--format", "json"]);
  if (result.exitCode > 1) throw new Error(`exit ${result.exitCode}: ${result.stderr}`);
  return { exitCode: result.exitCode, deny: (JSON.parse(result.stdout) as { deny: Verdict[] }).deny };
}
/** The saved plan of the baseline, checked with other evidence: a real plan, rendered by tofu. */
const check = (...extra: string[]) =>
  denials([
    "check",
    planFile,
    "--chdir",
    stackDir,
    "--config",
    join(project.dir, "tempgrant.yaml"),
    ...extra,
  ]);
const evidenceDenials = (deny: readonly Verdict[]) =>
  deny.filter((verdict) => verdict.rule === "approvals/evidence-verified").map((verdict) => verdict.message);

beforeAll(async () => {
  project.writeGrants(grants);
  const baseline = await denials(["plan", "--chdir", project.dir]);
  expect(baseline).toEqual({ exitCode: 0, deny: [] });
}, 120_000);

describe("approvals are evidence over the grant's digest (real tofu plans)", () => {
  it("passes the signatures the approver made with ssh-keygen -Y sign, checked with the project's evidence", async () => {
    expect(await check("--signatures", approvals)).toEqual({ exitCode: 0, deny: [] });
  });

  it("denies a plan checked without its evidence (fail closed), and a typed name with none", async () => {
    const bare = await check();
    expect(bare.exitCode).toBe(1);
    expect(evidenceDenials(bare.deny)).toEqual([
      expect.stringMatching(
        /^grant alice: the approval of "bob@example.com" does not count: named in approvedBy, but this check was given no approval evidence/,
      ),
      expect.stringMatching(
        /^grant carol: the approval of "bob@example.com" does not count: named in approvedBy, but this check/,
      ),
    ]);
    expect(bare.deny.map((verdict) => verdict.rule)).toContain("approvals/min-approvers");
    const empty = join(scratch, "empty");
    cpSync(approvals, empty, { recursive: true });
    rmSync(join(empty, "alice"), { recursive: true });
    expect(evidenceDenials((await check("--signatures", empty)).deny)).toEqual([
      'grant alice: the approval of "bob@example.com" does not count: named in approvedBy, but no signature or approving review from them verifies over the current digest',
    ]);
  });

  it("denies a signature copied from another grant: it is over the other grant's digest", async () => {
    const copied = join(scratch, "copied");
    cpSync(approvals, copied, { recursive: true });
    cpSync(join(copied, "carol", "bob@example.com.sig"), join(copied, "alice", "bob@example.com.sig"));
    expect(evidenceDenials((await check("--signatures", copied)).deny)).toEqual([
      expect.stringMatching(
        /^grant alice: the approval of "bob@example.com" does not count: the signature does not verify over the grant's current digest sha256:[0-9a-f]{64}: the grant changed after it was signed, or the signature was made for other content$/,
      ),
    ]);
  });

  it("denies a key that is not in the allowed-signers file, one outside its validity, and another namespace", async () => {
    const mallory = await makeSigner(scratch, "bob@example.com");
    const forged = join(scratch, "forged");
    cpSync(approvals, forged, { recursive: true });
    fileSignature(forged, "alice", "bob@example.com", await sshSign(mallory, await digestFromPlan("alice")));
    expect(evidenceDenials((await check("--signatures", forged)).deny)).toEqual([
      expect.stringMatching(
        /^grant alice: the approval of "bob@example.com" does not count: key SHA256:\S+ is not in \S+allowed_signers$/,
      ),
    ]);

    // Bob's real key, listed only until yesterday.
    const signers = readFileSync(join(project.dir, "allowed_signers"), "utf8").trim();
    const [principal, ...key] = signers.split(" ");
    const yesterday = new Date((t - 86_400) * 1000).toISOString().slice(0, 10).replaceAll("-", "");
    writeFileSync(
      join(scratch, "expired_signers"),
      `${principal} valid-before="${yesterday}Z" ${key.join(" ")}\n`,
    );
    writeFileSync(join(scratch, "expired.yaml"), "approvals:\n  allowedSigners: expired_signers\n");
    const expired = await denials([
      "check",
      planFile,
      "--chdir",
      stackDir,
      "--config",
      join(scratch, "expired.yaml"),
      "--signatures",
      approvals,
    ]);
    expect(evidenceDenials(expired.deny)).toEqual([
      expect.stringMatching(
        /^grant alice: .* key SHA256:\S+ is valid only until \d{4}-\d{2}-\d{2}T00:00:00Z, not at /,
      ),
      expect.stringMatching(/^grant carol: .* is valid only until /),
    ]);

    // A listed key signing the right digest, but for git: another namespace never counts.
    const dan = await makeSigner(scratch, "dan@example.com");
    writeFileSync(join(project.dir, "allowed_signers"), `${signers}\n${allowedSignersLine(dan)}\n`);
    const git = join(scratch, "git");
    cpSync(approvals, git, { recursive: true });
    fileSignature(git, "alice", "dan@example.com", await sshSign(dan, await digestFromPlan("alice"), "git"));
    expect(evidenceDenials((await check("--signatures", git)).deny)).toEqual([
      'grant alice: the approval of "dan@example.com" does not count: signed in namespace "git", not "tempgrant-grant"',
    ]);
    writeFileSync(join(project.dir, "allowed_signers"), `${signers}\n`);
  });

  it("denies approvals given before the grant changed, and counts them again once re-signed", async () => {
    const before = join(scratch, "before-change");
    cpSync(approvals, before, { recursive: true });
    project.writeGrants([{ ...grants[0]!, expiresAt: formatTimestamp(t + 4 * 3_600) }, grants[1]!]);
    rmSync(approvals, { recursive: true });
    cpSync(before, approvals, { recursive: true });
    const changed = await denials(["plan", "--chdir", project.dir]);
    expect(changed.exitCode).toBe(1);
    expect(evidenceDenials(changed.deny)).toEqual([
      expect.stringMatching(
        /^grant alice: the approval of "bob@example.com" does not count: the signature does not verify over the grant's current digest/,
      ),
    ]);
    approveDeclaredGrants(project.dir);
    expect(await denials(["plan", "--chdir", project.dir])).toEqual({ exitCode: 0, deny: [] });
  }, 120_000);

  it("counts an approving review of the head commit by a mapped account; denies one on an older commit", async () => {
    const config = join(scratch, "reviews.yaml");
    writeFileSync(config, `approvals:\n  githubAccounts:\n    "5001": bob@example.com\n`);
    /** The saved plan checked with bob's review (and no signatures) as its only evidence. */
    const withReview = (file: string, reviews: Parameters<typeof githubReviews>[0]) => {
      writeFileSync(join(scratch, file), JSON.stringify(githubReviews(reviews)));
      return denials([
        "check",
        planFile,
        "--chdir",
        stackDir,
        "--config",
        config,
        "--reviews",
        join(scratch, file),
      ]);
    };
    const head = await withReview("head.json", [
      { id: 80, user: "bob", userId: 5001, state: "APPROVED", commit: "head" },
    ]);
    expect(head).toEqual({ exitCode: 0, deny: [] });
    const stale = await withReview("stale.json", [
      { id: 81, user: "bob", userId: 5001, state: "APPROVED", commit: "old" },
    ]);
    expect(evidenceDenials(stale.deny)).toEqual([
      expect.stringMatching(
        /^grant alice: the approval of "bob@example.com" does not count: review 81 by bob approves commit 0{40}, not the head 1{40}: a push after the approval voids it$/,
      ),
      expect.stringMatching(/^grant carol: .*review 81 by bob approves commit 0{40}/),
    ]);
  });
});

/** The digest a grant's record holds in the saved plan (tempgrant recomputes and compares it). */
async function digestFromPlan(id: string): Promise<string> {
  const { showJson, resolveEngine } = await import("../../src/runner/index.js");
  const plan = (await showJson(
    { engine: resolveEngine(), workingDir: stackDir, lockTimeout: "0s" },
    planFile,
  )) as {
    resource_changes: { type: string; change: { after: { grant_id?: string; digest?: string } } }[];
  };
  const record = plan.resource_changes.find(
    (change) => change.type === "tempgrant_grant" && change.change.after.grant_id === id,
  );
  return record!.change.after.digest!;
}
