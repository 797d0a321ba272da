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
 * with pg_terminate_backend first. Role names only ever reach SQL as bound parameters.
 */
export async function verifyPostgresRevocations(
  roles: readonly RoleToRevoke[],
  options: PostgresRevocationOptions = {},
): Promise<PostgresRevocationCheck[]> {
  return withClient(options, async (client) => {
    const checks: PostgresRevocationCheck[] = [];
    for (const { role, oid } of roles) {
      const ended = await client.query<{ ended: string }>(
        `select count(*) filter (where pg_terminate_backend(pid)) as ended from pg_stat_activity ${SESSIONS_OF}`,
        [role, oid],
      );
      const sessionsLeft = await waitForSessionsToExit(client, role, oid, options.sessionExitMs ?? 5_000);
      const exists = await client.query("select 1 from pg_roles where rolname = $1", [role]);
      const memberships = await client.query<{ rolname: string }>(
        "select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = $1 order by 1",
        [role],
      );
      const roleExists = (exists.rowCount ?? 0) > 0;
      checks.push({
        role,
        sessionsEnded: Number(ended.rows[0]?.ended ?? 0),
        sessionsLeft,
        roleExists,
        memberships: memberships.rows.map((row) => row.rolname),
        ok: !roleExists && sessionsLeft === 0 && memberships.rows.length === 0,
      });
    }
    return checks;
  });
}

/** A role's sessions: by its name while it exists, by its old oid once it is dropped. */
const SESSIONS_OF = "where (usename = $1 or usesysid = $2::oid) and pid <> pg_backend_pid()";

/** pg_terminate_backend only signals: the backend exits a moment later. Polls until it has. */
async function waitForSessionsToExit(
  client: pg.Client,
  role: string,
  oid: number | null,
  limitMs: number,
): Promise<number> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = await client.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity ${SESSIONS_OF}`,
      [role, oid],
    );
    const count = Number(left.rows[0]?.n ?? 0);
    if (count === 0 || Date.now() >= deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
