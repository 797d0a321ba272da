import pg from "pg";
import type { PostgresConnection } from "./throwaway-postgres.js";

/** The PG* environment tempgrant's provider and the sweep's check read their connection from. */
export function libpqEnvironment(server: PostgresConnection): NodeJS.ProcessEnv {
  return {
    PGHOST: server.host,
    PGPORT: String(server.port),
    PGUSER: server.user,
    PGPASSWORD: server.password,
    PGDATABASE: server.database,
    PGSSLMODE: "disable",
  };
}

/** Runs one query as the server's superuser, on a connection of its own. */
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

/**
 * A client that logs in as a grantee (not yet connected): the server's address, the grantee's
 * name and password. Errors after connecting (a session the sweep ends) are left to the next
 * query to report, so an ended session never crashes the process.
 */
export function loginClient(server: PostgresConnection, user: string, password: string): pg.Client {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    database: server.database,
    user,
    password,
  });
  client.on("error", () => {});
  return client;
}
