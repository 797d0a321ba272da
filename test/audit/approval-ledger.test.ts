import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLedger } from "../../src/audit/ledger/index.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { makeProject } from "../support/cdktf-project.js";
import { runCli } from "../support/cli.js";
import { allowedSignersLine, makeSigner } from "../support/ssh-keys.js";

// The ledger keeps, for every applied grant, its digest and the evidence that approved it;
// an auditor re-verifies the signatures from the ledger and the allowed-signers file alone.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const ledger = join(project.dir, "audit-ledger.jsonl");
const config = join(project.dir, "tempgrant.yaml");

describe("approvals in the ledger", () => {
  it("records each applied grant's digest with its signatures, re-verifies them, and shows who approved what", async () => {
    project.writeGrants([
      { id: "alice", expiresAt: formatTimestamp(Math.floor(Date.now() / 1000) + 3 * 3_600) },
    ]);
    const applied = await runCli(["apply", "--chdir", project.dir, "--ledger", ledger]);
    expect(applied.exitCode).toBe(0);

    const [entry] = await readLedger(ledger);
    const event = entry!.event as unknown as {
      grants: { digest: string; approvals: { kind: string; person: string; signature: string }[] }[];
    };
    const listing = await runCli(["grants", "--dir", join(project.dir, "grants"), "--format", "json"]);
    const digest = (JSON.parse(listing.stdout) as { grants: { digest: string }[] }).grants[0]!.digest;
    expect(event.grants[0]!.digest).toBe(digest);
    expect(event.grants[0]!.approvals).toEqual([
      {
        kind: "signature",
        person: "bob@example.com",
        signature: readFileSync(join(project.dir, "approvals", "alice", "bob@example.com.sig"), "utf8"),
        source: join(project.dir, "approvals", "alice", "bob@example.com.sig"),
      },
    ]);

    // The approvals folder is gone from the checkout: the ledger alone is enough.
    rmSync(join(project.dir, "approvals"), { recursive: true });
    const verified = await runCli(["audit", "verify", "--approvals", "--ledger", ledger, "--config", config]);
    expect([verified.exitCode, verified.stdout]).toEqual([
      0,
      expect.stringContaining(
        `seq 1 ledger/alice ${digest}: approved by bob@example.com (signature verified)`,
      ),
    ]);

    // Against an allowed-signers file that no longer lists bob's key, the approval fails.
    const other = await makeSigner(join(project.dir, "keys"), "bob@example.com");
    writeFileSync(join(project.dir, "rotated_signers"), `${allowedSignersLine(other)}\n`);
    const rotated = await runCli([
      "audit",
      "verify",
      "--approvals",
      "--ledger",
      ledger,
      "--allowed-signers",
      join(project.dir, "rotated_signers"),
    ]);
    expect([rotated.exitCode, rotated.stdout]).toEqual([
      1,
      expect.stringMatching(
        /APPROVAL FAILS: bob@example.com: key SHA256:\S+ is listed for bob@example.com, not for|APPROVAL FAILS: bob@example.com: key SHA256:\S+ is not in/,
      ),
    ]);

    const who = await runCli(["audit", "who", "--target", "ledger-db", "--ledger", ledger, "--json"]);
    expect(
      (JSON.parse(who.stdout) as { windows: { digest: string; approvals: unknown[] }[] }).windows[0],
    ).toMatchObject({
      digest,
      approvals: [{ person: "bob@example.com", kind: "signature" }],
    });
    const table = await runCli(["audit", "who", "--target", "ledger-db", "--ledger", ledger]);
    expect(table.stdout).toContain("bob@example.com (signature)");
    expect(table.stdout).toContain(digest.slice(0, 20));
    // The period report says the same: who verifiably approved which digest.
    const csv = await runCli(["audit", "report", "--ledger", ledger, "--format", "csv"]);
    expect(csv.exitCode, csv.stderr).toBe(0);
    const [header, row] = csv.stdout.trim().split("\n");
    expect(header).toContain(",approved_by,verified_approvers,digest,");
    expect(row).toContain(`,bob@example.com (signature),${digest},`);
    const html = await runCli(["audit", "report", "--ledger", ledger, "--format", "html"]);
    expect(html.stdout).toContain(
      `bob@example.com (signature)</span><br>over <span class="token">${digest}</span>`,
    );
  }, 180_000);
});
