// `npm run demo`: the whole story on the embedded default, through the real CLI.
// A throwaway PostgreSQL keeps the state and is the target; grants are declared in YAML; a
// self-approved grant is denied and one signed by a colleague's SSH key passes (approvals are
// evidence over the grant's digest); it is applied; the grantee logs in
// and queries, and keeps a second session open; the clock moves past the expiry; the sweep
// revokes and verifies; the open session is ended, a new login is refused, the role is gone;
// the ledger is verified and the audit report written.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { objectName } from "../src/targets/naming.js";
import { TempgrantError } from "../src/errors.js";
import { runCommand } from "../src/exec/run-command.js";
import { formatTimestamp } from "../src/grant/index.js";
import { scramVerifier } from "../src/targets/postgresql/scram-verifier.js";
import { bootstrapToolchain } from "../src/toolchain/bootstrap.js";
import { adminQuery, libpqEnvironment, loginClient } from "../src/testing/postgres-access.js";
import { startThrowawayPostgres, type PostgresConnection } from "../src/testing/throwaway-postgres.js";
import { writeDemoGrants, writeDemoProject } from "./demo-project.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MAIN = join(ROOT, "src", "cli", "main.ts");
const started = Date.now();
const step = (text: string) => console.log(`\n[${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);
const detail = (text: string) => console.log(`    ${text.trimEnd().split("\n").join("\n    ")}`);

/** Runs `tempgrant <args>` as a user would, shows the command and its output, returns the exit code. */
async function tempgrant(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ exitCode: number; output: string }> {
  detail(`$ tempgrant ${args.join(" ")}`);
  const result = await runCommand({
    program: process.execPath,
    args: ["--import", import.meta.resolve("tsx"), MAIN, ...args],
    cwd,
    env: { ...process.env, ...env },
    timeoutMs: 300_000,
  });
  // In the order the CLI wrote it: progress lines (stderr) before the results they lead to.
  const output = (result.output ?? `${result.stderr}${result.stdout}`).trim();
  if (output) detail(output);
  detail(`(exit ${result.exitCode})`);
  return { exitCode: result.exitCode, output };
}

/** A session of the grantee: a login with her password, kept open. */
async function login(server: PostgresConnection, user: string, password: string): Promise<pg.Client> {
  const client = loginClient(server, user, password);
  await client.connect();
  return client;
}

/** One query in a session: what it returned, or what the server said. */
async function countOrders(session: pg.Client): Promise<string> {
  try {
    const row = (await session.query<{ count: string }>("select count(*) from orders")).rows[0];
    return `select count(*) from orders = ${row?.count}`;
  } catch (error) {
    return `query failed: ${(error as Error).message}`;
  }
}

/** A fresh login attempt: accepted, or the server's refusal. */
async function tryLogin(server: PostgresConnection, user: string, password: string): Promise<string> {
  try {
    const session = await login(server, user, password);
    const result = await countOrders(session);
    await session.end().catch(() => {});
    return `login accepted as ${user}: ${result}`;
  } catch (error) {
    return `login refused for ${user}: ${(error as Error).message}`;
  }
}

/** Whether a role exists, asked as the server's superuser. */
async function roleExists(server: PostgresConnection, role: string): Promise<boolean> {
  return (await adminQuery(server, "select 1 from pg_roles where rolname = $1", [role])).length > 0;
}

/** The database the grant is for: a table and the role that may read it. */
async function prepareTarget(server: PostgresConnection): Promise<void> {
  const client = new pg.Client({ ...server });
  await client.connect();
  try {
    await client.query("create table if not exists orders (id int primary key, total numeric)");
    await client.query("insert into orders values (1, 10), (2, 32) on conflict do nothing");
    await client.query(
      "do $$ begin create role orders_read nologin; exception when duplicate_object then null; end $$",
    );
    await client.query("grant select on orders to orders_read");
  } finally {
    await client.end();
  }
}

/**
 * Makes an ed25519 key per person with ssh-keygen (in `<dir>/keys`), lists them in the
 * project's allowed_signers and names that file in tempgrant.yaml; returns the key files.
 */
async function approverKeys(dir: string, people: readonly string[]): Promise<string[]> {
  mkdirSync(join(dir, "keys"));
  const files: string[] = [];
  const lines: string[] = [];
  for (const [index, person] of people.entries()) {
    const file = join(dir, "keys", `approver-${index}`);
    const made = await runCommand({
      program: "ssh-keygen",
      args: ["-q", "-t", "ed25519", "-N", "", "-C", person, "-f", file],
    });
    if (made.exitCode !== 0) throw new TempgrantError("DEMO", `ssh-keygen: ${made.stderr.trim()}`);
    files.push(file);
    lines.push(`${person} ${readFileSync(`${file}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ")}`);
  }
  writeFileSync(join(dir, "allowed_signers"), `${lines.join("\n")}\n`);
  writeFileSync(join(dir, "tempgrant.yaml"), "approvals:\n  allowedSigners: allowed_signers\n");
  return files;
}

/** Stops the demo when a step does not end as the story says (the exit code, and a line it must print). */
function expect(
  result: { exitCode: number; output: string },
  wanted: number,
  what: string,
  shows = "",
): void {
  if (result.exitCode !== wanted || !result.output.includes(shows)) {
    throw new TempgrantError(
      "DEMO",
      `${what}: exit ${result.exitCode}, expected ${wanted}${shows ? ` and "${shows}"` : ""}`,
    );
  }
}

async function main(): Promise<void> {
  step("1. the pinned toolchain (built once, then cached) and a throwaway PostgreSQL");
  await bootstrapToolchain({ onProgress: detail });
  const server = await startThrowawayPostgres({ onProgress: detail });
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-demo-"));
  const reportDir = resolve(ROOT, ".tempgrant", "demo");
  mkdirSync(reportDir, { recursive: true });
  const ledger = join(reportDir, "ledger.jsonl");
  rmSync(ledger, { force: true });
  try {
    await prepareTarget(server);
    const env: NodeJS.ProcessEnv = {
      ...libpqEnvironment(server),
      PG_CONN_STR: `postgres://${server.user}@${server.host}:${server.port}/${server.database}?sslmode=disable`,
      TEMPGRANT_LEDGER: ledger,
      TEMPGRANT_NOW: "",
      NO_COLOR: "1",
    };
    writeDemoProject(dir);
    // Each person's SSH key, made by ssh-keygen, listed in the project's allowed-signers file.
    const keys = await approverKeys(dir, ["alice@example.com", "bob@example.com"]);

    // Whole minutes, a little ahead, so the apply's clock is never behind the real one.
    const t0 = Math.ceil(Date.now() / 60_000) * 60 + 60;
    const at = (minutes: number) => formatTimestamp(t0 + minutes * 60);
    const password = "demo-only-password";
    const grant = {
      id: "alice-orders-read",
      principal: "alice@example.com",
      expiresAt: at(120),
      credential: scramVerifier(password),
    };

    step("2. alice declares a grant in grants/team.yaml, and approves it herself with her SSH key");
    detail(writeDemoGrants(dir, [{ ...grant, approvedBy: ["Alice@Example.com "] }]));
    expect(await tempgrant(["approve", grant.id, "--key", keys[0]!], env, dir), 0, "alice's approval");

    step("3. the check denies it (self-approval, whatever the spelling)");
    expect(
      await tempgrant(["plan", "--now", at(0)], env, dir),
      1,
      "the self-approved plan",
      "DENY approvals/no-self-approval",
    );

    step("4. bob approves instead, signing the same digest with his key: the check passes");
    writeDemoGrants(dir, [{ ...grant, approvedBy: ["bob@example.com"] }]);
    rmSync(join(dir, "approvals", grant.id, "alice@example.com.sig"));
    expect(await tempgrant(["approve", grant.id, "--key", keys[1]!], env, dir), 0, "bob's approval");
    expect(await tempgrant(["plan", "--now", at(0)], env, dir), 0, "the approved plan");

    step("5. apply: the checked plan, and nothing else; the ledger records it");
    expect(await tempgrant(["apply", "--now", at(0)], env, dir), 0, "apply");

    step("6. alice logs in and runs a query; she keeps a second session open");
    const role = objectName(grant.id);
    const first = await tryLogin(server, role, password);
    detail(first);
    if (!first.startsWith("login accepted")) throw new TempgrantError("DEMO", "alice could not log in");
    const openSession = await login(server, role, password);
    detail(`second session open: ${await countOrders(openSession)}`);
    expect(
      await tempgrant(["audit", "who", "--target", "orders-db", "--at", at(1)], env, dir),
      0,
      "audit who",
    );

    step(`7. the clock moves past the expiry (${grant.expiresAt}): the scheduled sweep runs at ${at(125)}`);
    expect(await tempgrant(["grants", "--at", at(125)], env, dir), 0, "grants");
    expect(
      await tempgrant(["sweep", "--now", at(125)], env, dir),
      0,
      "sweep",
      "revoked 1 grant(s) (alice-orders-read), verified",
    );

    step("8. alice's access is gone: her open session, a new login, the role itself");
    const afterwards = await countOrders(openSession);
    detail(`the open session's next query: ${afterwards}`);
    await openSession.end().catch(() => {});
    const again = await tryLogin(server, role, password);
    detail(again);
    const exists = await roleExists(server, role);
    detail(`role ${role} ${exists ? "STILL EXISTS" : "does not exist"}`);
    if (!afterwards.startsWith("query failed") || !again.startsWith("login refused") || exists) {
      throw new TempgrantError("DEMO", "alice's access outlived the sweep");
    }
    expect(
      await tempgrant(["audit", "who", "--target", "orders-db", "--at", at(126)], env, dir),
      0,
      "audit who",
    );
    expect(await tempgrant(["sweep", "--now", at(130), "--dry-run"], env, dir), 0, "a second sweep");

    step("9. the auditor's view: the ledger verified, the report written");
    expect(await tempgrant(["audit", "verify"], env, dir), 0, "audit verify");
    const report = join(reportDir, "report.html");
    expect(
      await tempgrant(["audit", "report", "--from", at(-10), "--to", at(180), "--out", report], env, dir),
      0,
      "audit report",
    );
    step(`done in ${((Date.now() - started) / 1000).toFixed(1)}s. The audit report: ${report}`);
    detail(`The ledger: ${ledger}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
}

try {
  await main();
} catch (error) {
  const message = error instanceof TempgrantError ? error.message : String(error);
  console.error(`\ndemo failed: ${message}`);
  process.exitCode = 1;
}
