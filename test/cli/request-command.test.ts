import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { grantDigest } from "../../src/approval/digest.js";
import { formatTimestamp, parseGrantsFile } from "../../src/grant/index.js";
import { runCli } from "../support/cli.js";
import { approveDeclaredGrants } from "../support/approve-grants.js";
import { makeProject } from "../support/cdktf-project.js";

// Issue 16 item 5: `tempgrant request` writes a grant from flags, in the engineer's time zone
// with the offset written out, checked before it is written; the project's real plan (synth,
// tofu, policy) then passes on the file it wrote.
const project = makeProject();
const alone = mkdtempSync(join(tmpdir(), "tempgrant-request-"));
afterAll(() => {
  rmSync(project.dir, { recursive: true, force: true });
  rmSync(alone, { recursive: true, force: true });
});
execFileSync("git", ["init", "-q"], { cwd: project.dir });
execFileSync("git", ["config", "user.email", "erin@example.com"], { cwd: project.dir });
// Only the repository's own git config: the machine's must not decide who is asking.
const GIT_ALONE = { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
const now = Math.floor(Date.now() / 1000);
const NOW = formatTimestamp(now);
const reason = 'Reconcile the "January" ledger: #2, {{ not a template }} ${var}';

describe("tempgrant request", () => {
  it("writes a grant in the engineer's zone, prints its digest and next steps, and plan passes on it", async () => {
    const result = await runCli(
      [
        "request",
        "--target",
        "ledger-db",
        "--access",
        "read",
        "--for",
        "4h",
        "--reason",
        reason,
        "--ticket",
        "FIN-12",
        "--approver",
        "bob@example.com",
        "--now",
        NOW,
      ],
      { ...GIT_ALONE, TZ: "Asia/Kolkata" },
      project.dir,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const file = join(project.dir, "grants", "erin-ledger-db-read.yaml");
    const text = readFileSync(file, "utf8");
    // Kolkata is +05:30 all year: the offset is written out, no one typed an RFC 3339 time.
    const local = new Date((now + 4 * 3_600 + 19_800) * 1000).toISOString().slice(0, 19);
    expect(text).toContain(`expiresAt: ${local}+05:30`);
    const parsed = parseGrantsFile(text, file);
    const grant = parsed.entries[0]?.grant;
    expect(parsed.problems).toEqual([]);
    expect(grant).toMatchObject({
      id: "erin-ledger-db-read",
      principal: "erin@example.com",
      requestedBy: "erin@example.com",
      approvedBy: ["bob@example.com"],
      reason,
      expiresAt: now + 4 * 3_600,
      startsAt: undefined,
    });
    expect(result.stdout).toContain(`digest       ${grantDigest(grant!)}`);
    expect(result.stdout).toContain("requested by erin@example.com (from git config user.email)");
    expect(result.stdout).toContain("tempgrant approve erin-ledger-db-read");

    const again = await runCli(
      ["request", "--target", "ledger-db", "--access", "read", "--for", "1h", "--reason", reason],
      GIT_ALONE,
      project.dir,
    );
    expect([again.exitCode, again.stderr.trim()]).toEqual([
      2,
      "tempgrant: grants/erin-ledger-db-read.yaml exists and is never overwritten: choose another --id or --out, or edit the file",
    ]);

    // The approver it asks for signs its digest (real evidence), as `tempgrant approve` would.
    approveDeclaredGrants(project.dir);
    const planned = await runCli(["plan", "--now", NOW, "--format", "json"], {}, project.dir);
    expect(planned.exitCode, planned.stdout + planned.stderr).toBe(0);
    expect(JSON.parse(planned.stdout)).toMatchObject({ passed: true, grants: 1 });
  });

  it("without git config, the requester is $USER and says so; local times are read in --tz", async () => {
    const out = join(alone, "dana.yaml");
    const result = await runCli(
      [
        "request",
        "--target",
        "orders-db",
        "--access",
        "write",
        "--starts",
        "2027-07-01 09:00",
        "--until",
        "2027-07-01 11:30",
        "--tz",
        "Europe/Berlin",
        "--reason",
        "Run the refund migration",
        "--approver",
        "bob@example.com",
        "--approver",
        "carol@example.com",
        "--out",
        out,
      ],
      { ...GIT_ALONE, USER: "dana", GIT_DIR: join(alone, "no-repo") },
      alone,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("requested by dana (from $USER)");
    const text = readFileSync(out, "utf8");
    expect(text).toContain("startsAt: 2027-07-01T09:00:00+02:00");
    expect(text).toContain("expiresAt: 2027-07-01T11:30:00+02:00");
    expect(text).toContain("id: dana-orders-db-write");
  });

  it("refuses, naming the flag and writing nothing: a skipped or repeated local time, a bad grant, no length", async () => {
    const base = ["request", "--target", "orders-db", "--access", "read", "--reason", "Look into it now"];
    const cases: [string[], RegExp][] = [
      [
        ["--starts", "2027-03-28 02:30", "--for", "1h", "--tz", "Europe/Berlin"],
        /^tempgrant: --starts: "2027-03-28 02:30" in Europe\/Berlin does not exist/,
      ],
      [
        ["--until", "2027-10-31 02:30", "--tz", "Europe/Berlin"],
        /^tempgrant: --until: "2027-10-31 02:30" in Europe\/Berlin happens twice \(\+02:00 and \+01:00\)/,
      ],
      [["--for", "1h", "--id", "Bad Id"], /^tempgrant: --id: "Bad Id" is not a valid id/],
      [["--for", "1h", "--reason", ""], /^tempgrant: --reason: /],
      [["--for", "1h", "--tz", "Mars/Olympus"], /^tempgrant: --tz "Mars\/Olympus" is not a time zone/],
      [[], /^tempgrant: say how long: give either --for <duration> or --until <time>$/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli([...base, ...args, "--requested-by", "erin@example.com"], GIT_ALONE, alone);
      expect([args.join(" "), result.exitCode]).toEqual([args.join(" "), 2]);
      expect(result.stderr.trim()).toMatch(pattern);
    }
    expect(existsSync(join(alone, "grants"))).toBe(false);
  });
});
