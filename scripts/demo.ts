// The end-to-end smoke path on the embedded default: a throwaway PostgreSQL, the pinned
// toolchain, a real synth -> init -> plan -> apply -> shrink -> apply cycle with state kept
// in PostgreSQL, and (when the postgresql provider is in the mirror) a real login role
// that can log in while declared and is refused once removed.
// Then a grant's real plan is checked against the policy pack, denied and then passed.
// Later issues grow this into the full grant story (sweep, audit).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { LocalBackend, TerraformStack } from "cdktf";
import { synthSmokeStack, type SmokeStackProps } from "../stacks/smoke-stack.js";
import { evaluateInput } from "../src/check/check-plan.js";
import { CustomTarget, synthesize, TemporaryGrant } from "../src/constructs/index.js";
import { formatTimestamp } from "../src/grant/index.js";
import { checkPlanShape, toPolicyInput } from "../src/plan/index.js";
import { loadPolicyEngine, resolveConfig } from "../src/policy/index.js";
import { checkText } from "../src/report/check-text.js";
import { TempgrantError } from "../src/errors.js";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../src/runner/index.js";
import { bootstrapToolchain } from "../src/toolchain/bootstrap.js";
import { startThrowawayPostgres, type PostgresConnection } from "../src/testing/throwaway-postgres.js";

const started = Date.now();
const step = (text: string) => console.log(`\n[${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);
const detail = (text: string) => console.log(`    ${text.split("\n").join("\n    ")}`);

async function tryLogin(server: PostgresConnection, user: string, password: string): Promise<string> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    database: server.database,
    user,
    password,
  });
  try {
    await client.connect();
    const row = (await client.query<{ current_user: string }>("select current_user")).rows[0];
    return `login accepted as ${row?.current_user}`;
  } catch (error) {
    return `login refused: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function planAndApply(workspace: Workspace, name: string): Promise<void> {
  const result = await plan(workspace, { out: `${name}.tfplan` });
  const doc = (await showJson(workspace, result.planFile)) as {
    resource_changes?: { address: string; change: { actions: string[] } }[];
  };
  for (const change of doc.resource_changes ?? [])
    detail(`plan: ${change.change.actions.join("+")} ${change.address}`);
  await apply(workspace, result.planFile);
  detail("applied");
}

async function main(): Promise<void> {
  step("1. toolchain (built once, then cached)");
  const toolchain = await bootstrapToolchain({ onProgress: detail });

  step("2. throwaway PostgreSQL");
  const server = await startThrowawayPostgres({ onProgress: detail });
  const outdir = mkdtempSync(join(tmpdir(), "tempgrant-demo-"));
  try {
    const env = {
      PGHOST: server.host,
      PGPORT: String(server.port),
      PGUSER: server.user,
      PGPASSWORD: server.password,
      PGDATABASE: server.database,
      PGSSLMODE: "disable",
    };
    const pgBackend = {
      connStr: `postgres://${server.user}@${server.host}:${server.port}/${server.database}?sslmode=disable`,
      schemaName: "tempgrant_demo_state",
    };
    const withRole = toolchain.postgresqlProvider.available;
    const role = { name: "demo_alice", password: "demo-password" };
    const declared: SmokeStackProps = {
      pgBackend,
      records: { alice: { principal: "alice", access: "read", expiresAt: "demo" } },
      ...(withRole ? { roles: [role] } : {}),
    };
    if (!withRole) {
      detail("NOTE: the cyrilgdn/postgresql provider is not in the mirror on this machine, so the");
      detail("login-role steps are skipped. Why:");
      detail(toolchain.postgresqlProvider.available ? "" : toolchain.postgresqlProvider.problem);
    }

    step("3. synthesize a stack (state kept in PostgreSQL) and apply it");
    const workspace: Workspace = {
      engine: resolveEngine(),
      workingDir: synthSmokeStack(outdir, declared),
      lockTimeout: "30s",
      env,
    };
    await init(workspace);
    await planAndApply(workspace, "declare");
    if (withRole) detail(await tryLogin(server, role.name, role.password));

    step("4. remove it from the stack and apply again");
    synthSmokeStack(outdir, { pgBackend, ...(withRole ? { roles: [] } : {}) });
    await planAndApply(workspace, "remove");
    if (withRole) detail(await tryLogin(server, role.name, role.password));
    const settled = await plan(workspace, { out: "settled.tfplan" });
    detail(settled.hasChanges ? "a re-plan still shows changes!" : "a re-plan shows no changes left");
    if (settled.hasChanges) process.exitCode = 1;

    step("5. check a grant's plan against the policy pack: a self-approved one, then a proper one");
    await checkDemoGrants(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
    await server.stop();
  }
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/** Plans a one-grant stack with real tofu and checks it with the compiled policy bundle. */
async function checkDemoGrants(outdir: string): Promise<void> {
  const engine = await loadPolicyEngine(resolveConfig().policy);
  const target = new CustomTarget({
    name: "ledger-db",
    resources: (grant) => [
      { type: "terraform_data", suffix: "access", attributes: { input: grant.principal } },
    ],
  });
  const now = Math.floor(Date.now() / 1000);
  let workspace: Workspace | undefined;
  for (const approvedBy of [["Alice@Example.com"], ["bob@example.com"]]) {
    const stacks = synthesize({
      outdir: join(outdir, "check"),
      now,
      declare: (app) => {
        const stack = new TerraformStack(app, "ledger");
        new LocalBackend(stack, { path: "terraform.tfstate" });
        new TemporaryGrant(stack, "alice-ledger", {
          principal: "alice@example.com",
          target,
          access: "read",
          expiresAt: formatTimestamp(now + 4 * 3_600),
          reason: "reconcile the January ledger",
          ticket: "FIN-12",
          requestedBy: "alice@example.com",
          approvedBy,
        });
      },
    });
    workspace ??= { engine: resolveEngine(), workingDir: stacks.ledger ?? "", lockTimeout: "30s" };
    if (approvedBy[0] === "Alice@Example.com") await init(workspace);
    const planned = await plan(workspace, { out: "check.tfplan" });
    const input = toPolicyInput(checkPlanShape(await showJson(workspace, planned.planFile), "ledger"), {
      fallbackNow: now,
    });
    const report = await evaluateInput(`approvedBy ${JSON.stringify(approvedBy)}`, input, engine);
    detail(checkText(report).trimEnd());
  }
}

try {
  await main();
} catch (error) {
  const message = error instanceof TempgrantError ? error.message : String(error);
  console.error(`\ndemo failed: ${message}`);
  process.exitCode = 1;
}
