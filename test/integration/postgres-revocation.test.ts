import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { postgresTargetCheck } from "../../src/targets/postgresql/check.js";
import { rolesToRevoke, verifyPostgresRevocations } from "../../src/targets/postgresql/revocation.js";
import { adminQuery, providerEnvironment, tryLogin } from "../support/postgres.js";

// The sweep's check inside PostgreSQL, against the real server: roles and sessions are made
// here with SQL, because the provider that makes them in production cannot be built on our
// machines (README, "Known blocker"). What is real: the server, the sessions, the catalog.
const server = inject("postgres");
const connection = { ...server };
const roles = [
  "tg_verify_gone",
  "tg_verify_left",
  "tg_verify_priv",
  "tg_sweep_check",
  "tg_many_gone",
  "tg_many_left",
];
afterAll(async () => {
  for (const role of roles) await adminQuery(server, `drop role if exists "${role}"`);
});

describe("verifyPostgresRevocations", () => {
  it("ends the sessions a dropped role still has open, and confirms the role is gone", async () => {
    await adminQuery(server, `create role "tg_verify_priv" nologin`);
    await adminQuery(
      server,
      `create role "tg_verify_gone" login password 'pw-gone' valid until 'infinity' in role "tg_verify_priv"`,
    );
    const session = new pg.Client({ ...server, user: "tg_verify_gone", password: "pw-gone" });
    await session.connect();
    session.on("error", () => {});
    expect((await session.query("select current_user as u")).rows[0]).toEqual({ u: "tg_verify_gone" });
    // Before the apply, the sweep reads the role's oid; then the provider's destroy drops the
    // role. Its open session survives that, and no longer shows the role's name.
    const toRevoke = await rolesToRevoke(["tg_verify_gone"], { connection });
    expect(toRevoke[0]?.oid).toBeGreaterThan(0);
    await adminQuery(server, `drop role "tg_verify_gone"`);
    expect((await session.query("select 1 as one")).rows[0]).toEqual({ one: 1 });

    const [check] = await verifyPostgresRevocations(toRevoke, { connection });
    expect(check).toEqual({
      role: "tg_verify_gone",
      sessionsEnded: 1,
      sessionsLeft: 0,
      roleExists: false,
      memberships: [],
      ok: true,
    });
    await expect(session.query("select 1")).rejects.toThrow();
    await session.end().catch(() => {});
    expect(await tryLogin(server, "tg_verify_gone", "pw-gone")).toMatchObject({ ok: false });
  });

  it("fails a revocation whose role is still there, naming its memberships", async () => {
    await adminQuery(
      server,
      `create role "tg_verify_left" login password 'pw-left' in role "tg_verify_priv"`,
    );
    const [check] = await verifyPostgresRevocations(await rolesToRevoke(["tg_verify_left"], { connection }), {
      connection,
    });
    expect(check).toMatchObject({ roleExists: true, memberships: ["tg_verify_priv"], ok: false });
  });

  it("checks many roles at once, each by its own name and oid, in the order given", async () => {
    await adminQuery(server, `create role "tg_many_gone" login password 'pw-many'`);
    await adminQuery(server, `create role "tg_many_left" login password 'pw-left' in role "tg_verify_priv"`);
    const session = new pg.Client({ ...server, user: "tg_many_gone", password: "pw-many" });
    await session.connect();
    session.on("error", () => {});
    const toRevoke = await rolesToRevoke(["tg_many_left", "tg_never_was", "tg_many_gone"], { connection });
    expect(toRevoke.map((role) => role.oid === null)).toEqual([false, true, false]);
    await adminQuery(server, `drop role "tg_many_gone"`);
    const checks = await verifyPostgresRevocations(toRevoke, { connection });
    expect(checks).toEqual([
      {
        role: "tg_many_left",
        sessionsEnded: 0,
        sessionsLeft: 0,
        roleExists: true,
        memberships: ["tg_verify_priv"],
        ok: false,
      },
      {
        role: "tg_never_was",
        sessionsEnded: 0,
        sessionsLeft: 0,
        roleExists: false,
        memberships: [],
        ok: true,
      },
      {
        role: "tg_many_gone",
        sessionsEnded: 1,
        sessionsLeft: 0,
        roleExists: false,
        memberships: [],
        ok: true,
      },
    ]);
    await expect(session.query("select 1")).rejects.toThrow();
    await session.end().catch(() => {});
    expect(await verifyPostgresRevocations([], { connection })).toEqual([]);
  });

  it("passes role names to SQL only as parameters", async () => {
    const hostile = `tg_x'; drop role "tg_verify_priv"; --`;
    const toRevoke = await rolesToRevoke([hostile], { connection });
    expect(toRevoke).toEqual([{ role: hostile, oid: null }]);
    const [check] = await verifyPostgresRevocations(toRevoke, { connection });
    expect(check).toMatchObject({ role: hostile, roleExists: false, ok: true });
    expect(await adminQuery(server, "select 1 from pg_roles where rolname = 'tg_verify_priv'")).toHaveLength(
      1,
    );
  });

  it("as the sweep's target check: only postgresql grants, by the role the binding names, from the PG* environment", async () => {
    await adminQuery(server, `create role "tg_sweep_check" login password 'pw-check'`);
    const session = new pg.Client({ ...server, user: "tg_sweep_check", password: "pw-check" });
    await session.connect();
    session.on("error", () => {});
    const revoked = [
      { id: "sweep-check", record: { binding: "postgresql" }, addresses: [] },
      { id: "elsewhere", record: { binding: "aws-iam" }, addresses: [] },
    ];
    const finish = await postgresTargetCheck(providerEnvironment(server)).beforeApply(revoked);
    await adminQuery(server, `drop role "tg_sweep_check"`);
    expect(await finish()).toEqual([
      {
        grant: "sweep-check",
        method: "postgresql",
        ok: true,
        detail: "role tg_sweep_check gone, 1 open session(s) ended, 0 left",
      },
    ]);
    await session.end().catch(() => {});

    const nowhere = await postgresTargetCheck({}).beforeApply(revoked);
    expect(await nowhere()).toEqual([expect.objectContaining({ grant: "sweep-check", ok: false })]);
    const none = await postgresTargetCheck({}).beforeApply([revoked[1]!]);
    expect(await none()).toEqual([]);
  });
});
