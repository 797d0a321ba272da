import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { REFERENCE_GRANTS_DIR } from "../../stacks/reference/prod-stack.js";
import { runCli } from "../support/cli.js";

describe("tempgrant grants", () => {
  const scratch = mkdtempSync(join(tmpdir(), "tempgrant-grants-cli-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("lists the declared grants with their status at --at", async () => {
    const result = await runCli([
      "grants",
      "--dir",
      REFERENCE_GRANTS_DIR,
      "--at",
      "2027-01-12T00:00:00Z",
      "--format",
      "json",
    ]);
    expect(result.exitCode).toBe(0);
    const listing = JSON.parse(result.stdout) as {
      now: string;
      grants: { id: string; status: string; source: string }[];
    };
    expect(listing.now).toBe("2027-01-12T00:00:00Z");
    expect(listing.grants.map((grant) => [grant.id, grant.status])).toEqual([
      ["erin-orders-read", "active"],
      ["etl-orders-read", "active"],
    ]);
    expect(listing.grants[0]?.source).toBe(`${REFERENCE_GRANTS_DIR}/data-team.yaml:5`);
  });

  it("shows each grant's digest, whole, in every format: the text approvers sign", async () => {
    const args = ["grants", "--dir", REFERENCE_GRANTS_DIR, "--at", "2027-01-12T00:00:00Z"];
    const json = await runCli([...args, "--format", "json"]);
    const table = await runCli([...args, "--format", "table"]);
    const grants = (JSON.parse(json.stdout) as { grants: { id: string; digest: string }[] }).grants;
    expect(grants.length).toBeGreaterThan(0);
    for (const grant of grants) {
      expect(grant.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(table.stdout).toContain(`${grant.id}  ${grant.digest}\n`);
    }
    // Another instant lists the same content, so the same digests.
    const later = await runCli([
      "grants",
      "--dir",
      REFERENCE_GRANTS_DIR,
      "--at",
      "2027-01-12T06:00:00Z",
      "--format",
      "json",
    ]);
    expect(
      (JSON.parse(later.stdout) as { grants: { digest: string }[] }).grants.map((g) => g.digest),
    ).toEqual(grants.map((grant) => grant.digest));
  });

  it("moves the clock with TEMPGRANT_NOW and filters by --expiring-within", async () => {
    const result = await runCli(
      ["grants", "--dir", REFERENCE_GRANTS_DIR, "--expiring-within", "4d", "--format", "json"],
      { TEMPGRANT_NOW: "2027-01-12T00:00:00Z" },
    );
    expect(
      (JSON.parse(result.stdout) as { grants: { id: string }[] }).grants.map((grant) => grant.id),
    ).toEqual(["erin-orders-read"]);
  });

  it("with --app, runs the cdktf app and lists TypeScript and YAML grants, active or not", async () => {
    const repo = fileURLToPath(new URL("../..", import.meta.url));
    const result = await runCli([
      "grants",
      "--app",
      "--chdir",
      repo,
      "--at",
      "2027-01-12T02:30:00Z",
      "--format",
      "json",
    ]);
    expect(result.exitCode).toBe(0);
    const listing = JSON.parse(result.stdout) as {
      grants: { id: string; status: string; breakGlass: boolean }[];
    };
    expect(listing.grants.map((grant) => [grant.id, grant.status, grant.breakGlass])).toEqual([
      ["alice-orders-read", "expired", false],
      ["bob-orders-breakglass", "active", true],
      ["payouts-svc-write", "active", false],
      ["erin-orders-read", "active", false],
      ["etl-orders-read", "active", false],
    ]);
  });

  it("prints a table for people", async () => {
    const result = await runCli(["grants", "--dir", REFERENCE_GRANTS_DIR, "--at", "2027-01-20T00:00:00Z"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/erin-orders-read .*│ expired/);
    expect(result.stdout).toMatch(/etl-orders-read .*│ active .*│ 11d/);
  });

  it("exits 2 with one line per problem, each with file and line, and no stack trace", async () => {
    const file = join(scratch, "bad.yaml");
    writeFileSync(
      file,
      "grants:\n  - id: Bad Id\n    principal: x\n    target: t\n    access: read\n    expiresAt: 2027-01-01T00:00:00\n    reason: r\n    requestedBy: x\n",
    );
    const result = await runCli(["grants", file, "--at", "2027-01-01T00:00:00Z"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      `tempgrant: ${file}:2 grants[0].id: "Bad Id" is not a valid id: use lowercase letters, digits and dashes (at most 48)`,
    ]);
  });

  it("exits 2 on a bad clock, a bad duration, a missing file and a missing folder", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["grants", "--dir", REFERENCE_GRANTS_DIR, "--at", "2027-01-12T00:00:00"],
        /^tempgrant: --at: "2027-01-12T00:00:00" has no zone/,
      ],
      [
        ["grants", "--dir", REFERENCE_GRANTS_DIR, "--margin", "5 minutes"],
        /^tempgrant: --margin "5 minutes" is not a duration/,
      ],
      [
        ["grants", join(scratch, "missing.yaml")],
        /^tempgrant: .*missing\.yaml: no such file \(grant files are YAML, usually under grants\/\)$/,
      ],
      [["grants", "--dir", join(scratch, "nope")], /^tempgrant: --dir ".*nope": no such folder$/],
      [["grants", "--format", "xml"], /option '--format <format>' argument 'xml' is invalid/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli(args);
      expect([args.join(" "), result.exitCode]).toEqual([args.join(" "), 2]);
      expect(result.stderr.trim()).toMatch(pattern);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
