import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { runCli } from "../support/cli.js";

// `tempgrant plan` on a small project of its own: its cdktf app is run the way cdktf-cli
// would run it, with the clock passed in, then every stack is planned by real tofu and checked.
const project = mkdtempSync(join(tmpdir(), "tempgrant-plan-project-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));
const library = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const tsx = import.meta.resolve("tsx");
const cdktf = import.meta.resolve("cdktf");

function writeGrants(approver: string): void {
  const expires = formatTimestamp(Math.floor(Date.now() / 1000) + 3 * 3_600);
  mkdirSync(join(project, "grants"), { recursive: true });
  writeFileSync(
    join(project, "grants", "team.yaml"),
    [
      "grants:",
      "  - id: alice-ledger",
      "    principal: alice@example.com",
      "    target: ledger-db",
      "    access: read",
      `    expiresAt: ${expires}`,
      "    reason: reconcile the January ledger",
      "    ticket: FIN-12",
      "    requestedBy: alice@example.com",
      `    approvedBy: [${approver}]`,
      "",
    ].join("\n"),
  );
}

writeFileSync(
  join(project, "app.ts"),
  [
    `import { App, LocalBackend, TerraformStack } from ${JSON.stringify(cdktf)};`,
    `import { configureFromEnvironment, CustomTarget, YamlGrants } from ${JSON.stringify(library)};`,
    "const app = new App();",
    "configureFromEnvironment(app);",
    'const stack = new TerraformStack(app, "ledger");',
    'new LocalBackend(stack, { path: "terraform.tfstate" });',
    "const target = new CustomTarget({",
    '  name: "ledger-db",',
    '  resources: (grant) => [{ type: "terraform_data", suffix: "access", attributes: { input: grant.principal } }],',
    "});",
    'new YamlGrants(stack, "grants", { dir: "grants", targets: [target] });',
    "app.synth();",
    "",
  ].join("\n"),
);
writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module", private: true }));
writeFileSync(
  join(project, "cdktf.json"),
  JSON.stringify({ language: "typescript", app: `node --import ${tsx} app.ts` }, null, 2),
);

describe("tempgrant plan", () => {
  it("synthesizes, plans with real tofu and passes a well-formed grant", async () => {
    writeGrants("bob@example.com");
    const result = await runCli(["plan", "--chdir", project, "--format", "json"]);
    expect(result.stderr).toContain("[plan] ledger: init, plan, check...");
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as { passed: boolean; grants: number; resources: number };
    expect(report).toMatchObject({ passed: true, grants: 1, resources: 2 });
  });

  it("exits 1 on a denial, naming the rule", async () => {
    writeGrants("Alice@Example.com");
    const result = await runCli(["plan", "--chdir", project]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("DENY approvals/no-self-approval");
  });

  it("exits 2 for a folder without cdktf.json and for an unknown stack", async () => {
    const empty = await runCli(["plan", "--chdir", join(project, "grants")]);
    expect([empty.exitCode, empty.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/cdktf\.json: no such file/),
    ]);
    writeGrants("bob@example.com");
    const unknown = await runCli(["plan", "--chdir", project, "--stack", "nope"]);
    expect([unknown.exitCode, unknown.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/no stack "nope" \(the app synthesized: ledger\)/),
    ]);
  });
});
