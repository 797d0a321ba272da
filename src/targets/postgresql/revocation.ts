import pg from "pg";

/** What the database says about one revoked grant's role after the sweep. */
export interface PostgresRevocationCheck {
  /** The role the grant owned (`tg_<id>`). */
  readonly role: string;
  /** Sessions of that role that were still open and were ended with pg_terminate_backend. */
  readonly sessionsEnded: number;
  /** Sessions still open after ending them (must be 0). */
  readonly sessionsLeft: number;
  /** The role still exists (it must not: the revocation drops it). */
  readonly roleExists: boolean;
  /** Roles it is still a member of, when it exists. */
  readonly memberships: readonly string[];
  readonly ok: boolean;
}

/** A role to revoke, with its oid read before the revocation (null: it did not exist then). */
export interface RoleToRevoke {
  readonly role: string;
  readonly oid: number | null;
}

/**
 * Reads the oids of the roles a sweep is about to drop. Once a role is dropped its open
 * sessions no longer show its name in pg_stat_activity, only its old oid: without this,
 * they could not be found afterwards.
 */
export async function rolesToRevoke(
  roles: readonly string[],
  options: PostgresRevocationOptions = {},
): Promise<RoleToRevoke[]> {
  return withClient(options, async (client) => {
    const found = await client.query<{ rolname: string; oid: number }>(
      "select rolname, oid::int as oid from pg_roles where rolname = any($1::text[])",
      [roles],
    );
    return roles.map((role) => ({ role, oid: found.rows.find((row) => row.rolname === role)?.oid ?? null }));
  });
}

/** One connection for one piece of work, closed whatever happens. */
async function withClient<T>(
  options: PostgresRevocationOptions,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...options.connection, application_name: "tempgrant-sweep" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Options of {@link verifyPostgresRevocations}. */
export interface PostgresRevocationOptions {
  /** Where to connect; by default libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), as the provider does. */
  readonly connection?: pg.ClientConfig;
  /** How long to wait for ended sessions to go away (ms); default 5000. */
  readonly sessionExitMs?: number;
}

/**
 * Checks in PostgreSQL itself that revoked grants' roles are gone: the role no longer
 * exists (so it can neither log in nor hold a membership), and no session of it is left.
 * `VALID UNTIL` and DROP ROLE do not end sessions that are already open, so this ends them
 * with pg_terminate_backend first. A few statements for all the roles together, not a few
 * per role (a sweep revokes hundreds at once). Role names only ever reach SQL as bound
 * parameters.
 */
export async function verifyPostgresRevocations(
  roles: readonly RoleToRevoke[],
  options: PostgresRevocationOptions = {},
): Promise<PostgresRevocationCheck[]> {
  if (roles.length === 0) return [];
  return withClient(options, async (client) => {
    const names = roles.map((role) => role.role);
    const oids = roles.map((role) => role.oid);
    const ended = await perRole(client, "end", names, oids);
    const sessionsLeft = await waitForSessionsToExit(client, names, oids, options.sessionExitMs ?? 5_000);
    const existing = await client.query<{ rolname: string }>(
      "select rolname from pg_roles where rolname = any($1::text[])",
      [names],
    );
    const exists = new Set(existing.rows.map((row) => row.rolname));
    const memberships = await client.query<{ member: string; rolname: string }>(
      "select u.rolname as member, r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid " +
        "join pg_roles u on u.oid = m.member where u.rolname = any($1::text[]) order by 1, 2",
      [names],
    );
    return roles.map(({ role }, index): PostgresRevocationCheck => {
      const roleExists = exists.has(role);
      const memberOf = memberships.rows.filter((row) => row.member === role).map((row) => row.rolname);
      const left = sessionsLeft[index] ?? 0;
      return {
        role,
        sessionsEnded: ended[index] ?? 0,
        sessionsLeft: left,
        roleExists,
        memberships: memberOf,
        ok: !roleExists && left === 0 && memberOf.length === 0,
      };
    });
  });
}

/** Each role's sessions: by its name while it exists, by its old oid once it is dropped. */
const SESSIONS_PER_ROLE =
  "from unnest($1::text[], $2::oid[]) with ordinality as r(role, oid, i) left join pg_stat_activity a " +
  "on (a.usename = r.role or a.usesysid = r.oid) and a.pid <> pg_backend_pid() group by r.i order by r.i";

/** Per role in the order given: its sessions ended (`end`), or still open (`count`). */
async function perRole(
  client: pg.Client,
  what: "end" | "count",
  names: readonly string[],
  oids: readonly (number | null)[],
): Promise<number[]> {
  const result = await client.query<{ n: string }>(
    what === "end"
      ? `select count(a.pid) filter (where pg_terminate_backend(a.pid)) as n ${SESSIONS_PER_ROLE}`
      : `select count(a.pid) as n ${SESSIONS_PER_ROLE}`,
    [names, oids],
  );
  return result.rows.map((row) => Number(row.n));
}

/** pg_terminate_backend only signals: the backend exits a moment later. Polls until all have. */
async function waitForSessionsToExit(
  client: pg.Client,
  names: readonly string[],
  oids: readonly (number | null)[],
  limitMs: number,
): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = await perRole(client, "count", names, oids);
    if (left.every((count) => count === 0) || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
