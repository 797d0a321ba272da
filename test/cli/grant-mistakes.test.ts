import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// Issue 17 item 3: a grant mistake is reported by plan, apply and sweep as `tempgrant grants`
// reports it: one line per problem with file:line, all at once, exit 2, never a stack trace.
// The project's app is run for real (synth), as the CLI always runs it.
const project = makeProject();
const app = readFileSync(join(project.dir, "app.ts"), "utf8");
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const NOW = "2026-12-01T00:00:00Z";
const grantsDir = join(project.dir, "grants");
const write = (name: string, text: string) => writeFileSync(join(grantsDir, name), text);
const carol = (target: string) =>
  [
    "grants:",
    "  - id: carol",
    "    principal: carol@example.com",
    `    target: ${target}`,
    "    access: read",
    "    expiresAt: 2027-01-01T00:00:00Z",
    "    reason: reconcile the January ledger",
    "    requestedBy: carol@example.com",
    "    approvedBy: [bob@example.com]",
    "",
  ].join("\n");

function expectOneLinePerProblem(stderr: string, lines: readonly (string | RegExp)[]): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(
    stderr
      .trim()
      .replace(/^tempgrant: /, "")
      .split("\n"),
  ).toEqual(lines.map((line) => (typeof line === "string" ? line : expect.stringMatching(line))));
}

beforeEach(() => {
  rmSync(grantsDir, { recursive: true, force: true });
  writeFileSync(join(project.dir, "app.ts"), app);
  project.writeGrants([{ id: "alice", expiresAt: "2027-01-01T00:00:00Z" }]);
});

describe("grant mistakes at plan, apply and sweep", () => {
  it("plan and apply: every problem of every file, one line each with file:line, exit 2", async () => {
    write("a.yaml", carol("billing-db"));
    write("b.yaml", "grants:\n  - id: dave\n    principal: dave@example.com\n    target: ledger-db\n");
    const expected = [
      'grants/a.yaml:4 grants[0].target: unknown target "billing-db" (known: ledger-db)',
      'grants/b.yaml:2 grants[0].access: missing required field "access"',
      'grants/b.yaml:2 grants[0].expiresAt: missing required field "expiresAt"',
      'grants/b.yaml:2 grants[0].reason: missing required field "reason"',
      'grants/b.yaml:2 grants[0].requestedBy: missing required field "requestedBy"',
    ];
    for (const command of ["plan", "apply"]) {
      const result = await runCli([command, "--now", NOW], {}, project.dir);
      expect([command, result.exitCode]).toEqual([command, 2]);
      expectOneLinePerProblem(result.stderr, expected);
    }
    // The same lines as `tempgrant grants`, which runs the app in a project.
    const listed = await runCli(["grants", "--now", NOW], {}, project.dir);
    expect(listed.exitCode).toBe(2);
    expectOneLinePerProblem(listed.stderr, expected);
  });

  it("a duplicate id across files names both files and lines", async () => {
    write("other.yaml", carol("ledger-db"));
    write("z-again.yaml", `# the same grant, copied\n${carol("ledger-db")}`);
    const result = await runCli(["plan", "--chdir", project.dir, "--now", NOW]);
    expect(result.exitCode).toBe(2);
    // Named from where the user stands (the CLI's cwd), as every path on the command line is.
    const shown = relative(process.cwd(), join(grantsDir, "z-again.yaml"));
    expectOneLinePerProblem(result.stderr, [
      `${shown}:3 grants[0].id: grant id "carol" is also declared at grants/other.yaml:2: ids must be unique`,
    ]);
  });

  it("a file that is not YAML, a folder named like a grants file, and a bad tempgrant.yaml", async () => {
    write("broken.yaml", "grants: [\n  - id: x\n");
    mkdirSync(join(grantsDir, "folder.yaml"));
    const result = await runCli(["plan", "--now", NOW], {}, project.dir);
    expect(result.exitCode).toBe(2);
    expectOneLinePerProblem(result.stderr, [
      /^grants\/broken\.yaml:2: not valid YAML: /,
      /^grants\/broken\.yaml:3: not valid YAML: /,
      "grants/folder.yaml: is a folder, not a grants file",
    ]);
    rmSync(grantsDir, { recursive: true });
    project.writeGrants([{ id: "alice", expiresAt: "2027-01-01T00:00:00Z" }]);
    writeFileSync(join(project.dir, "tempgrant.yaml"), "approvals: [\n");
    try {
      const config = await runCli(["plan", "--now", NOW], {}, project.dir);
      expect(config.exitCode).toBe(2);
      expectOneLinePerProblem(config.stderr, [/^tempgrant\.yaml:2: not valid YAML: /]);
    } finally {
      rmSync(join(project.dir, "tempgrant.yaml"));
    }
  });

  it("a TypeScript stack whose code throws: one line with where it threw, exit 1 (a failed synth)", async () => {
    writeFileSync(
      join(project.dir, "app.ts"),
      app.replace(
        "app.synth();",
        "const lookup: Record<string, { arn: string }> = {};\nconsole.log(lookup.prod!.arn);\napp.synth();",
      ),
    );
    const result = await runCli(["plan", "--now", NOW], {}, project.dir);
    expect(result.exitCode).toBe(1);
    expectOneLinePerProblem(result.stderr, [
      /^synth: the cdktf app failed: Cannot read properties of undefined \(reading 'arn'\) \(at .*app\.ts:13\); run `.*app\.ts` to see all of its output$/,
    ]);
  });

  it("a TypeScript grant's problems and a TypeScript id that a YAML grant holds: one line each, exit 2", async () => {
    const declare = (id: string, expiresAt: string) =>
      `new TemporaryGrant(stack, "${id}", { principal: "ts@example.com", target, access: "read", expiresAt: "${expiresAt}", reason: "reconcile the ledger", requestedBy: "ts@example.com" });`;
    writeFileSync(
      join(project.dir, "app.ts"),
      app
        .replace("YamlGrants }", "TemporaryGrant, YamlGrants }")
        .replace(
          "app.synth();",
          [
            declare("ts-one", "2027-01-01T00:00:00"),
            declare("alice", "2027-01-01T00:00:00Z"),
            "app.synth();",
          ].join("\n"),
        ),
    );
    const result = await runCli(["plan", "--now", NOW], {}, project.dir);
    expect(result.exitCode).toBe(2);
    expectOneLinePerProblem(result.stderr, [
      /^ledger\/ts-one expiresAt: "2027-01-01T00:00:00" has no zone/,
      'ledger/alice id: grant id "alice" is already declared at grants/team.yaml:2',
    ]);
  });

  it("sweep: still revokes, and names each problem with file:line", async () => {
    write("a.yaml", carol("billing-db"));
    const result = await runCli(["sweep", "--now", NOW], {}, project.dir);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).toContain(
      'INVALID grant carol (grants/a.yaml:4 grants[0].target) is revoked: unknown target "billing-db" (known: ledger-db)',
    );
  });
});
