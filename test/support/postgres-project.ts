import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { approveDeclaredGrants } from "./approve-grants.js";
import { formatTimestamp } from "../../src/grant/index.js";

/** One grant of a PostgreSQL test project's grants/team.yaml. */
export interface PostgresProjectGrant {
  readonly id: string;
  readonly principal: string;
  /** `orders-db` (a login role per grant) or `orders-members` (membership of the principal's role). */
  readonly target: "orders-db" | "orders-members";
  readonly expiresAt: number;
  /** SCRAM verifier, for orders-db. */
  readonly credential?: string;
}

/**
 * A grants repository whose targets are a real PostgreSQL database through tempgrant's
 * provider, in both modes: `orders-db` gives each grant a login role, `orders-members`
 * makes the principal's existing role (the local part of the principal) a member of a
 * per-grant role. The privilege role is `privilegeRole`; the provider connects through PG*.
 */
export function makePostgresProject(privilegeRole: string): {
  dir: string;
  ledger: string;
  writeGrants: (grants: readonly PostgresProjectGrant[]) => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-pg-project-"));
  const library = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
  const roles = JSON.stringify({ read: privilegeRole });
  writeFileSync(
    join(dir, "app.ts"),
    [
      `import { App, LocalBackend, TerraformStack } from ${JSON.stringify(import.meta.resolve("cdktf"))};`,
      `import { configureFromEnvironment, PostgresqlTarget, tempgrantProvider, YamlGrants } from ${JSON.stringify(library)};`,
      "const app = new App();",
      "configureFromEnvironment(app);",
      'const stack = new TerraformStack(app, "orders");',
      'new LocalBackend(stack, { path: "terraform.tfstate" });',
      'tempgrantProvider(stack, { sslmode: "disable" });',
      `const loginRoles = new PostgresqlTarget({ name: "orders-db", mode: "login-role", privilegeRoles: ${roles} });`,
      "const members = new PostgresqlTarget({",
      '  name: "orders-members",',
      '  mode: "membership",',
      `  privilegeRoles: ${roles},`,
      '  principalRole: (principal) => principal.split("@")[0] ?? principal,',
      "});",
      'new YamlGrants(stack, "grants", { dir: "grants", targets: [loginRoles, members] });',
      "app.synth();",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(
    join(dir, "cdktf.json"),
    JSON.stringify({ language: "typescript", app: `node --import ${import.meta.resolve("tsx")} app.ts` }),
  );
  const writeGrants = (grants: readonly PostgresProjectGrant[]): void => {
    mkdirSync(join(dir, "grants"), { recursive: true });
    const lines = ["grants:"];
    for (const grant of grants) {
      lines.push(
        `  - id: ${grant.id}`,
        `    principal: ${grant.principal}`,
        `    target: ${grant.target}`,
        "    access: read",
        `    expiresAt: ${formatTimestamp(grant.expiresAt)}`,
        "    reason: reconcile the January ledger",
        "    ticket: FIN-12",
        `    requestedBy: ${grant.principal}`,
        "    approvedBy: [bob@example.com]",
        ...(grant.credential ? [`    credential: ${JSON.stringify(grant.credential)}`] : []),
      );
    }
    writeFileSync(join(dir, "grants", "team.yaml"), `${lines.join("\n")}\n`);
    // Each approver asked for signs the grant's digest, as in a real pull request.
    approveDeclaredGrants(dir);
  };
  return { dir, ledger: join(dir, "ledger.jsonl"), writeGrants };
}
