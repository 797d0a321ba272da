import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { approveDeclaredGrants } from "./approve-grants.js";

/** One grant of a test project's grants/team.yaml. */
export interface ProjectGrant {
  readonly id: string;
  readonly expiresAt: string;
  readonly approvedBy?: string;
  /** Break-glass: no approver (unless given), a warning from the check. */
  readonly breakGlass?: boolean;
}

/**
 * A small cdktf (or cdktn) project of its own, as a user's repo would be: cdktf.json whose app (run
 * through tsx) declares YAML grants on a target made of built-in terraform_data resources,
 * so real tofu plans and applies it with no provider but tempgrant's own (each grant's
 * `tempgrant_grant` record, from the toolchain's mirror) and no database.
 */
export function makeProject(
  options: {
    /** The CDK library the app is written with: cdktf (default), or CDK Terrain (`cdktn`). */
    readonly cdk?: "cdktf" | "cdktn";
  } = {},
): { dir: string; writeGrants: (grants: readonly ProjectGrant[]) => void } {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-project-"));
  const library = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
  const cdk = import.meta.resolve(options.cdk ?? "cdktf");
  writeFileSync(
    join(dir, "app.ts"),
    [
      `import { App, LocalBackend, TerraformStack } from ${JSON.stringify(cdk)};`,
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
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(
    join(dir, "cdktf.json"),
    JSON.stringify(
      { language: "typescript", app: `node --import ${import.meta.resolve("tsx")} app.ts` },
      null,
      2,
    ),
  );
  const writeGrants = (grants: readonly ProjectGrant[]): void => {
    mkdirSync(join(dir, "grants"), { recursive: true });
    const lines = ["grants:"];
    for (const grant of grants) {
      lines.push(
        `  - id: ${grant.id}`,
        `    principal: ${grant.id}@example.com`,
        "    target: ledger-db",
        "    access: read",
        `    expiresAt: ${grant.expiresAt}`,
        "    reason: reconcile the January ledger",
        "    ticket: FIN-12",
        `    requestedBy: ${grant.id}@example.com`,
        `    approvedBy: [${grant.approvedBy ?? (grant.breakGlass ? "" : "bob@example.com")}]`,
        ...(grant.breakGlass ? ["    breakGlass: true"] : []),
      );
    }
    writeFileSync(join(dir, "grants", "team.yaml"), `${lines.join("\n")}\n`);
    // Each approver asked for signs the grant's digest, as in a real pull request.
    approveDeclaredGrants(dir);
  };
  return { dir, writeGrants };
}
