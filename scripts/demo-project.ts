// The grants repository the demo works in: a cdktf app with one stack whose state is kept
// in PostgreSQL (the pg backend, connection from PG_CONN_STR), one target named orders-db,
// and the grants in grants/team.yaml. orders-db is a real PostgreSQL target through
// tempgrant's own provider: a login role per grant, VALID UNTIL its expiry.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One grant of the demo's grants file. */
export interface DemoGrant {
  readonly id: string;
  readonly principal: string;
  readonly expiresAt: string;
  readonly approvedBy: readonly string[];
  /** SCRAM-SHA-256 verifier, for the real PostgreSQL target. */
  readonly credential?: string;
}

/** Writes the demo repository into `dir`. */
export function writeDemoProject(dir: string): void {
  const library = fileURLToPath(new URL("../src/index.ts", import.meta.url));
  mkdirSync(join(dir, "grants"), { recursive: true });
  const target = [
    "// The provider connects through the PG* environment: no credential is synthesized.",
    "tempgrantProvider(stack, { sslmode: 'disable' });",
    "const ordersDb = new PostgresqlTarget({ name: 'orders-db', mode: 'login-role', privilegeRoles: { read: 'orders_read' } });",
  ];
  writeFileSync(
    join(dir, "app.ts"),
    [
      `import { App, PgBackend, TerraformStack } from ${JSON.stringify(import.meta.resolve("cdktf"))};`,
      `import { configureFromEnvironment, PostgresqlTarget, tempgrantProvider, YamlGrants } from ${JSON.stringify(library)};`,
      "const app = new App();",
      "configureFromEnvironment(app);",
      "const stack = new TerraformStack(app, 'orders');",
      "// The connection comes from PG_CONN_STR at plan time: no credential is synthesized.",
      "new PgBackend(stack, { connStr: '', schemaName: 'tempgrant_demo' });",
      ...target,
      "new YamlGrants(stack, 'grants', { dir: 'grants', targets: [ordersDb] });",
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
}

/** Writes grants/team.yaml and returns its text, to show. */
export function writeDemoGrants(dir: string, grants: readonly DemoGrant[]): string {
  const lines = ["grants:"];
  for (const grant of grants) {
    lines.push(
      `  - id: ${grant.id}`,
      `    principal: ${grant.principal}`,
      "    target: orders-db",
      "    access: read",
      `    expiresAt: ${grant.expiresAt}`,
      "    reason: reconcile the January ledger",
      "    ticket: FIN-12",
      `    requestedBy: ${grant.principal}`,
      `    approvedBy: [${grant.approvedBy.join(", ")}]`,
      ...(grant.credential ? [`    credential: "${grant.credential}"`] : []),
    );
  }
  const text = `${lines.join("\n")}\n`;
  writeFileSync(join(dir, "grants", "team.yaml"), text);
  return text;
}
