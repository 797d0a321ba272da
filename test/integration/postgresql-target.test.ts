import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { scramVerifier } from "../../src/targets/postgresql/scram-verifier.js";
import { apply, plan, resolveEngine, type Workspace } from "../../src/runner/index.js";
import { runCli } from "../support/cli.js";
import { makePostgresProject } from "../support/postgres-project.js";
import { adminQuery, providerEnvironment } from "../support/postgres.js";

// The PostgreSQL target end to end, through the real CLI, real tofu, tempgrant's provider
// and a real server: access that works while the grant is active, and is really gone after
// the sweep (open sessions included); the provider's own locks; drift denied by the checker.
const server = inject("postgres");
const suffix = Date.now().toString(36);
const privilegeRole = `orders_read_${suffix}`;
const table = `orders_${suffix}`;
const secondDb = `tgdb_${suffix}`;
const t0 = Math.floor(Date.now() / 1000);
const hour = 3_600;

/** A session of a role, kept open; its errors surface on its next query. */
async function connect(user: string, password: string, database = server.database): Promise<pg.Client> {
  const client = new pg.Client({ host: server.host, port: server.port, database, user, password });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** A fresh login and one query; the server's refusal as text when it fails. */
async function loginAndRead(user: string, password: string): Promise<string> {
  let client: pg.Client | undefined;
  try {
    client = await connect(user, password);
    const rows = (await client.query<{ n: string }>(`select count(*) as n from ${table}`)).rows;
    return `read ${rows[0]?.n}`;
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  } finally {
    await client?.end().catch(() => {});
  }
}

async function query(session: pg.Client, text: string): Promise<string> {
  try {
    await session.query(text);
    return "ok";
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  }
}

async function roleExists(role: string): Promise<boolean> {
  return (await adminQuery(server, "select 1 from pg_roles where rolname = $1", [role])).length > 0;
}

describe("the PostgreSQL target through tempgrant's provider", () => {
  const project = makePostgresProject(privilegeRole);
  const env = { ...providerEnvironment(server), TEMPGRANT_LEDGER: project.ledger };
  const cli = (args: string[]) => runCli([...args, "--chdir", project.dir], env);
  const failure = (result: { stdout: string; stderr: string }) => `${result.stdout}\n${result.stderr}`;

  beforeAll(async () => {
    await adminQuery(server, `create table ${table} (id int primary key)`);
    await adminQuery(server, `insert into ${table} values (1), (2), (3)`);
    await adminQuery(server, `create role ${privilegeRole} nologin`);
    await adminQuery(server, `grant select on ${table} to ${privilegeRole}`);
    // Grantees may create objects of their own: the revocation must not be blocked by them.
    await adminQuery(server, `grant create on schema public to ${privilegeRole}`);
    await adminQuery(server, `create database ${secondDb}`);
    const second = new pg.Client({ ...server, database: secondDb });
    await second.connect();
    await second.query(`grant create on schema public to ${privilegeRole}`);
    await second.end();
  });
  afterAll(() => rmSync(project.dir, { recursive: true, force: true }));

  it("login role: works while active; the sweep ends the open session, the login and the role", async () => {
    const password = "alice-pw-1";
    const role = "tg_alice_orders";
    project.writeGrants([
      {
        id: "alice-orders",
        principal: "alice@example.com",
        target: "orders-db",
        expiresAt: t0 + hour,
        credential: scramVerifier(password),
      },
    ]);
    const applied = await cli(["apply", "--now", formatTimestamp(t0)]);
    expect(applied.exitCode, failure(applied)).toBe(0);
    expect(await loginAndRead(role, password)).toBe("read 3");
    const [validUntil] = await adminQuery<{ v: Date }>(
      server,
      "select rolvaliduntil as v from pg_roles where rolname = $1",
      [role],
    );
    expect(validUntil?.v.getTime()).toBe((t0 + hour) * 1000);

    // She keeps a session open, and creates tables of her own, here and in a second database.
    const open = await connect(role, password);
    expect(await query(open, `create table alice_scratch_${suffix} (x int)`)).toBe("ok");
    const elsewhere = await connect(role, password, secondDb);
    expect(await query(elsewhere, "create table alice_elsewhere (x int)")).toBe("ok");
    await elsewhere.end();

    // No diff on the next plan: VALID UNTIL is read back as an instant.
    const replanned = await cli(["plan", "--now", formatTimestamp(t0 + 60)]);
    expect(replanned.exitCode, failure(replanned)).toBe(0);

    const swept = await cli(["sweep", "--now", formatTimestamp(t0 + hour + 1)]);
    expect(swept.exitCode, failure(swept)).toBe(0);
    expect(swept.stdout).toContain("revoked 1 grant(s) (alice-orders), verified");
    expect(await query(open, `select count(*) from ${table}`)).toMatch(/^failed: /);
    await open.end().catch(() => {});
    expect(await loginAndRead(role, password)).toMatch(/^refused: /);
    expect(await roleExists(role)).toBe(false);
    // Nothing the grantee made is lost: her tables belong to the provider's user now.
    expect(
      await adminQuery(server, "select tableowner from pg_tables where tablename = $1", [
        `alice_scratch_${suffix}`,
      ]),
    ).toEqual([{ tableowner: server.user }]);
    const ledger = readFileSync(project.ledger, "utf8");
    const verification = ledger
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as { event: { type: string; verified?: boolean; targetChecks?: unknown[] } },
      )
      .map((line) => line.event)
      .find((event) => event.type === "verification");
    expect(verification).toMatchObject({
      verified: true,
      targetChecks: [{ grant: "alice-orders", method: "postgresql", ok: true }],
    });
  });

  it("membership: overlapping grants of one person; revoking one leaves the other's access", async () => {
    const person = `carol${suffix}`;
    await adminQuery(server, `create role ${person} login password 'carol-pw'`);
    project.writeGrants([
      { id: "carol-one", principal: `${person}@example.com`, target: "orders-members", expiresAt: t0 + hour },
      {
        id: "carol-two",
        principal: `${person}@example.com`,
        target: "orders-members",
        expiresAt: t0 + 3 * hour,
      },
    ]);
    const applied = await cli(["apply", "--now", formatTimestamp(t0)]);
    expect(applied.exitCode, failure(applied)).toBe(0);
    expect(await loginAndRead(person, "carol-pw")).toBe("read 3");

    const first = await cli(["sweep", "--now", formatTimestamp(t0 + hour + 1)]);
    expect(first.exitCode, failure(first)).toBe(0);
    expect(first.stdout).toContain("revoked 1 grant(s) (carol-one), verified");
    expect(await roleExists("tg_carol_one")).toBe(false);
    expect(await loginAndRead(person, "carol-pw")).toBe("read 3");

    const open = await connect(person, "carol-pw");
    const second = await cli(["sweep", "--now", formatTimestamp(t0 + 3 * hour + 1)]);
    expect(second.exitCode, failure(second)).toBe(0);
    expect(second.stdout).toContain("revoked 1 grant(s) (carol-two), verified");
    // Her own role and her session stay (her unrelated work goes on); the access is gone.
    expect(await query(open, "select 1")).toBe("ok");
    expect(await query(open, `select count(*) from ${table}`)).toMatch(/permission denied/);
    await open.end();
    expect(await loginAndRead(person, "carol-pw")).toMatch(/permission denied/);
  });

  it("a saved plan applied after the grant's expiry creates nothing", async () => {
    const password = "dave-pw";
    project.writeGrants([
      {
        id: "dave-orders",
        principal: "dave@example.com",
        target: "orders-db",
        expiresAt: t0 + hour,
        credential: scramVerifier(password),
      },
    ]);
    const planned = await cli(["plan", "--now", formatTimestamp(t0)]);
    expect(planned.exitCode, failure(planned)).toBe(0);
    const workspace: Workspace = {
      engine: resolveEngine(),
      workingDir: join(project.dir, "cdktf.out", "stacks", "orders"),
      lockTimeout: "30s",
      env: providerEnvironment(server),
    };
    const saved = await plan(workspace, { out: "saved.tfplan" });
    expect(saved.hasChanges).toBe(true);
    // Applied an hour and a second later (the provider's clock moved forward, as a late run's is).
    const late = { ...workspace, env: { ...workspace.env, TEMPGRANT_NOW: formatTimestamp(t0 + hour + 1) } };
    await expect(apply(late, saved.planFile)).rejects.toThrow(/dave-orders[\s\S]*expired/);
    expect(await roleExists("tg_dave_orders")).toBe(false);
    expect(await loginAndRead("tg_dave_orders", password)).toMatch(/^refused: /);
  });

  it("access changed by hand shows in the next plan and the checker denies it", async () => {
    const password = "erin-pw";
    project.writeGrants([
      {
        id: "erin-orders",
        principal: "erin@example.com",
        target: "orders-db",
        expiresAt: t0 + hour,
        credential: scramVerifier(password),
      },
    ]);
    const applied = await cli(["apply", "--now", formatTimestamp(t0)]);
    expect(applied.exitCode, failure(applied)).toBe(0);
    await adminQuery(server, "alter role tg_erin_orders superuser valid until 'infinity'");
    const checked = await cli(["plan", "--now", formatTimestamp(t0 + 60)]);
    expect(checked.exitCode, failure(checked)).toBe(1);
    expect(checked.stdout).toMatch(
      /DENY drift\/outside-tempgrant[\s\S]*superuser, valid_until changed outside tempgrant/,
    );
    // The sweep is never held back by it: at the expiry the role goes, superuser or not.
    const swept = await cli(["sweep", "--now", formatTimestamp(t0 + hour + 1)]);
    expect(swept.stdout).toContain("revoked 1 grant(s) (erin-orders), verified");
    expect(await roleExists("tg_erin_orders")).toBe(false);
  });

  it("the native lock alone refuses a login after VALID UNTIL, with no sweep", async () => {
    // The one test that waits: PostgreSQL's own clock must pass the expiry.
    const password = "frank-pw";
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + 25;
    project.writeGrants([
      {
        id: "frank-orders",
        principal: "frank@example.com",
        target: "orders-db",
        expiresAt,
        credential: scramVerifier(password),
      },
    ]);
    const applied = await cli(["apply", "--now", formatTimestamp(now)]);
    expect(applied.exitCode, failure(applied)).toBe(0);
    expect(await loginAndRead("tg_frank_orders", password)).toBe("read 3");
    const wait = expiresAt * 1000 + 1_500 - Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    expect(await roleExists("tg_frank_orders")).toBe(true);
    expect(await loginAndRead("tg_frank_orders", password)).toMatch(
      /^refused: .*password authentication failed/,
    );
  }, 120_000);
});
