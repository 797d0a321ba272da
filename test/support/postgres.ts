import pg from "pg";
import type { PostgresConnection } from "../../src/testing/throwaway-postgres.js";

/** The PG* environment the postgresql provider reads its connection from. */
export function providerEnvironment(server: PostgresConnection): NodeJS.ProcessEnv {
  return {
    PGHOST: server.host,
    PGPORT: String(server.port),
    PGUSER: server.user,
    PGPASSWORD: server.password,
    PGDATABASE: server.database,
    PGSSLMODE: "disable",
  };
}

/** Runs one query as the server's superuser. */
export async function adminQuery<T extends pg.QueryResultRow>(
  server: PostgresConnection,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ ...server });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Tries a password login; returns the current_user on success or the server's refusal. */
export async function tryLogin(
  server: PostgresConnection,
  user: string,
  password: string,
): Promise<{ ok: true; currentUser: string } | { ok: false; error: string }> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    database: server.database,
    user,
    password,
  });
  try {
    await client.connect();
    const rows = (await client.query<{ current_user: string }>("select current_user")).rows;
    return { ok: true, currentUser: rows[0]?.current_user ?? "" };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}
