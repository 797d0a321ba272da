import { adminQuery, libpqEnvironment, loginClient } from "../../src/testing/postgres-access.js";
import type { PostgresConnection } from "../../src/testing/throwaway-postgres.js";

/** The PG* environment tempgrant's provider reads its connection from. */
export const providerEnvironment = libpqEnvironment;

export { adminQuery };

/** Tries a password login; returns the current_user on success or the server's refusal. */
export async function tryLogin(
  server: PostgresConnection,
  user: string,
  password: string,
): Promise<{ ok: true; currentUser: string } | { ok: false; error: string }> {
  const client = loginClient(server, user, password);
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
