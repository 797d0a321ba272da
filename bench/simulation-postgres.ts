// The day simulation on the real PostgreSQL target (`npm run simulate -- --target postgresql`):
// a throwaway server, a privilege role and a table, grants through tempgrant's provider
// (login roles, and a share in membership mode on principal roles made here), and after every
// command what PostgreSQL itself says: new logins attempted with each grant's password,
// pg_roles, pg_auth_members and pg_stat_activity, and one session per grant kept open from
// its apply. VALID UNTIL follows the real clock, which is before the virtual day: in virtual
// time only the sweep ends access, so every refused login here is the sweep's doing.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { formatTimestamp } from "../src/grant/index.js";
import { scramVerifier } from "../src/targets/postgresql/scram-verifier.js";
import { libpqEnvironment, loginClient } from "../src/testing/postgres-access.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../src/testing/throwaway-postgres.js";
import type { BenchGrant } from "./sweep-project.js";

/** The privilege role, the table it reads, and the project's two targets. */
export const PG_PRIVILEGE_ROLE = "ledger_read";
export const PG_TABLE = "ledger_entries";
export const PG_LOGIN_TARGET = "ledger-db";
export const PG_MEMBERS_TARGET = "ledger-members";

/** A grant of the PostgreSQL simulation: its mode, role and the password the simulation keeps. */
interface PgGrant {
  readonly id: string;
  readonly expiresAt: number;
  readonly mode: "login-role" | "membership";
  /** The grant's role, `tg_<id>`. */
  readonly role: string;
  /** Who logs in: the grant's role (login-role) or the principal's own role (membership). */
  readonly loginUser: string;
  readonly password: string;
  session: pg.Client | null;
  sessionChecked: boolean;
  appliedAt: number | null;
  roleGoneAt: number | null;
}

/** What PostgreSQL said over the day. */
export interface PostgresFigures {
  readonly loginRoleGrants: number;
  readonly membershipGrants: number;
  /** New logins (login-role) or queries through the member (membership) after expiry. */
  readonly attempts: number;
  readonly succeeded: number;
  /** The same after a sweep that failed or was killed (a fault): may succeed within the bound. */
  readonly attemptsAfterFailed: number;
  readonly succeededAfterFailed: number;
  /** Logins tried while the grant was applied and active: each must work. */
  readonly activeChecks: number;
  readonly activeFailed: number;
  /** Largest virtual seconds from expiry to the first command after which the role was gone. */
  readonly maxRoleGone: { readonly id: string; readonly seconds: number } | null;
  readonly medianRoleGoneSeconds: number;
  /** Open sessions whose end (login-role) or loss of access (membership) was checked. */
  readonly sessionsChecked: number;
  readonly sessionsSurvived: number;
  /** Sessions, memberships, roles still there after a sweep one bound past a grant's expiry (must be 0). */
  readonly sessionsLeftAfterInterval: number;
  readonly membershipsLeftAfterInterval: number;
  readonly rolesLeftAfterInterval: number;
}

/** The PostgreSQL side of the simulation. */
export interface PostgresSimulation {
  /** PG* for the CLI (the provider and the sweep's verification read them). */
  readonly env: NodeJS.ProcessEnv;
  readonly privilegeRole: string;
  /** Gives each grant its target, principal and SCRAM credential, and creates principal roles. */
  prepare(grants: readonly BenchGrant[]): Promise<BenchGrant[]>;
  /** After every command at virtual instant `at`: the grants the state now holds. */
  /** `done`: a sweep that exited 0, 4 or 5 (it says nothing expired is left); returns problems. */
  afterCommand(
    kind: "sweep" | "apply",
    at: number,
    present: ReadonlySet<string>,
    done: boolean,
  ): Promise<string[]>;
  figures(): PostgresFigures;
  stop(): Promise<void>;
}

/** Starts the server and creates the privilege role and its table. */
export async function startPostgresSimulation(options: {
  /** How long after an expiry access may remain: one interval, two with faults. */
  readonly boundSeconds: number;
  /** Share of grants in membership mode (every n-th grant). */
  readonly membershipEvery: number;
  readonly marginSeconds?: number;
  readonly onProgress?: (line: string) => void;
}): Promise<PostgresSimulation> {
  const server: ThrowawayPostgres = await startThrowawayPostgres(
    options.onProgress ? { onProgress: options.onProgress } : {},
  );
  const admin = new pg.Client({ ...server });
  admin.on("error", () => {});
  await admin.connect();
  await admin.query(`create table ${PG_TABLE} (id int primary key)`);
  await admin.query(`insert into ${PG_TABLE} values (1), (2), (3)`);
  await admin.query(`create role ${PG_PRIVILEGE_ROLE} nologin`);
  await admin.query(`grant select on ${PG_TABLE} to ${PG_PRIVILEGE_ROLE}`);
  const margin = options.marginSeconds ?? 0;
  const byId = new Map<string, PgGrant>();
  let attempts = 0;
  let succeeded = 0;
  let activeChecks = 0;
  let activeFailed = 0;
  let attemptsAfterFailed = 0;
  let succeededAfterFailed = 0;
  let sessionsChecked = 0;
  let sessionsSurvived = 0;
  let sessionsLeft = 0;
  let membershipsLeft = 0;
  let rolesLeft = 0;

  const connect = async (user: string, password: string): Promise<pg.Client> => {
    const client = loginClient(server, user, password);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return client;
  };
  /** A new login and a read of the table: true when the read worked. */
  const loginAndRead = async (grant: PgGrant): Promise<boolean> => {
    let client: pg.Client | undefined;
    try {
      client = await connect(grant.loginUser, grant.password);
      await client.query(`select count(*) from ${PG_TABLE}`);
      return true;
    } catch {
      return false;
    } finally {
      await client?.end().catch(() => {});
    }
  };
  const sessionWorks = async (session: pg.Client): Promise<boolean> => {
    try {
      await session.query(`select count(*) from ${PG_TABLE}`);
      return true;
    } catch {
      return false;
    }
  };

  return {
    env: libpqEnvironment(server),
    privilegeRole: PG_PRIVILEGE_ROLE,
    async prepare(grants) {
      const prepared: BenchGrant[] = [];
      for (const [index, grant] of grants.entries()) {
        const membership = options.membershipEvery > 0 && index % options.membershipEvery === 0;
        const role = `tg_${grant.id.replaceAll("-", "_")}`;
        const password = randomBytes(12).toString("hex");
        if (membership) {
          // The principal's own role, which the grant makes a member of its role.
          const person = `p_${grant.id.replaceAll("-", "_")}`;
          await admin.query(`create role ${person} login password '${password}'`);
          byId.set(grant.id, {
            id: grant.id,
            expiresAt: grant.expiresAt,
            mode: "membership",
            role,
            loginUser: person,
            password,
            session: null,
            sessionChecked: false,
            appliedAt: null,
            roleGoneAt: null,
          });
          prepared.push({ ...grant, principal: `${person}@example.com`, target: PG_MEMBERS_TARGET });
        } else {
          byId.set(grant.id, {
            id: grant.id,
            expiresAt: grant.expiresAt,
            mode: "login-role",
            role,
            loginUser: role,
            password,
            session: null,
            sessionChecked: false,
            appliedAt: null,
            roleGoneAt: null,
          });
          prepared.push({ ...grant, target: PG_LOGIN_TARGET, credential: scramVerifier(password) });
        }
      }
      return prepared;
    },
    async afterCommand(kind, at, present, done) {
      const problems: string[] = [];
      const roles = new Set(
        (
          await admin.query<{ r: string }>("select rolname as r from pg_roles where rolname like 'tg\\_%'")
        ).rows.map((row) => row.r),
      );
      const memberships = new Set(
        (
          await admin.query<{ m: string }>(
            "select r.rolname || '>' || m.rolname as m from pg_auth_members a " +
              "join pg_roles r on r.oid = a.roleid join pg_roles m on m.oid = a.member where r.rolname like 'tg\\_%'",
          )
        ).rows.map((row) => row.m),
      );
      const sessions = new Map(
        (
          await admin.query<{ u: string; n: number }>(
            "select usename as u, count(*)::int as n from pg_stat_activity where usename is not null group by usename",
          )
        ).rows.map((row) => [row.u, row.n]),
      );
      for (const grant of byId.values()) {
        const expired = at >= grant.expiresAt - margin;
        if (grant.appliedAt === null && present.has(grant.id) && roles.has(grant.role)) {
          // Just applied: access works, and a session is kept open from now on.
          grant.appliedAt = at;
          activeChecks += 1;
          if (!(await loginAndRead(grant))) {
            activeFailed += 1;
            problems.push(
              `${grant.id} (${grant.mode}): no access right after its apply at ${formatTimestamp(at)}`,
            );
          }
          grant.session = await connect(grant.loginUser, grant.password).catch(() => null);
          if (!grant.session) problems.push(`${grant.id}: could not open a session after its apply`);
        }
        if (grant.appliedAt !== null && grant.roleGoneAt === null && !roles.has(grant.role)) {
          grant.roleGoneAt = at;
          if (!expired) problems.push(`${grant.id}: role ${grant.role} gone before its expiry`);
        }
        if (kind !== "sweep" || !expired) continue;
        // After a sweep at or past the expiry: a new login, the catalogs, the open session.
        // A sweep that failed (a fault) may leave access behind, within the bound.
        const readNow = await loginAndRead(grant);
        if (done) {
          attempts += 1;
          if (readNow) {
            succeeded += 1;
            problems.push(`${grant.id} (${grant.mode}): a new login read the table after its expiry`);
          }
        } else {
          attemptsAfterFailed += 1;
          if (readNow) succeededAfterFailed += 1;
        }
        const member = grant.mode === "membership" && memberships.has(`${grant.role}>${grant.loginUser}`);
        const roleSessions = sessions.get(grant.role) ?? 0;
        const left = roles.has(grant.role) || member || roleSessions > 0;
        const pastBound = at >= grant.expiresAt - margin + options.boundSeconds;
        if (left && (done || pastBound)) {
          problems.push(
            `${grant.id}: after the sweep at ${formatTimestamp(at)}${done ? "" : " (failed)"}, past its expiry, ` +
              `role ${roles.has(grant.role) ? "present" : "gone"}, membership ${member ? "present" : "gone"}, ${roleSessions} session(s)`,
          );
        }
        if (pastBound) {
          if (roles.has(grant.role)) rolesLeft += 1;
          if (member) membershipsLeft += 1;
          sessionsLeft += roleSessions;
        }
        if (done && grant.session && !grant.sessionChecked) {
          grant.sessionChecked = true;
          sessionsChecked += 1;
          // Login-role: the session must have been ended. Membership: the principal's own
          // session goes on (its unrelated work), but reads through the grant must fail.
          if (await sessionWorks(grant.session)) {
            sessionsSurvived += 1;
            problems.push(
              `${grant.id} (${grant.mode}): the session opened at its apply still reads the table`,
            );
          }
          await grant.session.end().catch(() => {});
          grant.session = null;
        }
      }
      return problems;
    },
    figures() {
      const gone = [...byId.values()]
        .filter((grant) => grant.roleGoneAt !== null)
        .map((grant) => ({ id: grant.id, seconds: (grant.roleGoneAt ?? 0) - (grant.expiresAt - margin) }));
      const sorted = gone.map((entry) => entry.seconds).sort((a, b) => a - b);
      return {
        loginRoleGrants: [...byId.values()].filter((grant) => grant.mode === "login-role").length,
        membershipGrants: [...byId.values()].filter((grant) => grant.mode === "membership").length,
        attempts,
        succeeded,
        attemptsAfterFailed,
        succeededAfterFailed,
        activeChecks,
        activeFailed,
        maxRoleGone: gone.reduce<{ id: string; seconds: number } | null>(
          (max, entry) => (max === null || entry.seconds > max.seconds ? entry : max),
          null,
        ),
        medianRoleGoneSeconds: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
        sessionsChecked,
        sessionsSurvived,
        sessionsLeftAfterInterval: sessionsLeft,
        membershipsLeftAfterInterval: membershipsLeft,
        rolesLeftAfterInterval: rolesLeft,
      };
    },
    async stop() {
      for (const grant of byId.values()) await grant.session?.end().catch(() => {});
      await admin.end().catch(() => {});
      await server.stop();
    },
  };
}
