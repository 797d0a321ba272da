import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { parseTimestamp } from "../../src/grant/index.js";
import { formatPostgresTimestamp } from "../../src/targets/postgresql/timestamp.js";
import { scramVerifier } from "../../src/targets/postgresql/scram-verifier.js";
import { adminQuery, tryLogin } from "../support/postgres.js";

// What the PostgreSQL binding relies on, checked against the real server without the
// provider: the text form of VALID UNTIL, and login roles whose password is a SCRAM verifier.
const epoch = (text: string) => {
  const parsed = parseTimestamp(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.instant.seconds;
};

describe("PostgreSQL semantics of the login-role binding", () => {
  const server = inject("postgres");
  const suffix = Date.now().toString(36);

  it("prints VALID UNTIL in UTC exactly as the binding writes it, so there is no drift", async () => {
    const role = `tg_textform_${suffix}`;
    const written = formatPostgresTimestamp(epoch("2028-02-29T23:59:59+01:00"));
    expect(written).toBe("2028-02-29 22:59:59+00");
    const client = new pg.Client({ ...server });
    await client.connect();
    try {
      await client.query("set timezone to 'UTC'");
      await client.query(`create role ${pg.escapeIdentifier(role)} valid until ${pg.escapeLiteral(written)}`);
      const rows = await client.query<{ text: string }>(
        "select rolvaliduntil::text as text from pg_roles where rolname = $1",
        [role],
      );
      expect(rows.rows).toEqual([{ text: written }]);
    } finally {
      await client.end();
    }
  });

  it("accepts a SCRAM verifier as the password: the grantee logs in with the secret only they know", async () => {
    const role = `tg_scram_${suffix}`;
    const verifier = scramVerifier("correct horse battery staple");
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    await adminQuery(
      server,
      `create role ${pg.escapeIdentifier(role)} login password ${pg.escapeLiteral(verifier)} valid until 'infinity'`,
    );
    const stored = await adminQuery<{ rolpassword: string }>(
      server,
      "select rolpassword from pg_authid where rolname = $1",
      [role],
    );
    expect(stored).toEqual([{ rolpassword: verifier }]);
    expect(await tryLogin(server, role, "correct horse battery staple")).toEqual({
      ok: true,
      currentUser: role,
    });
    expect((await tryLogin(server, role, "Correct horse battery staple")).ok).toBe(false);
  });

  it("refuses a new login once VALID UNTIL has passed, even with the right password", async () => {
    const role = `tg_lapsed_${suffix}`;
    const lapsed = formatPostgresTimestamp(Math.floor(Date.now() / 1000) - 1);
    await adminQuery(
      server,
      `create role ${pg.escapeIdentifier(role)} login password ${pg.escapeLiteral(scramVerifier("pw"))} valid until ${pg.escapeLiteral(lapsed)}`,
    );
    expect(await tryLogin(server, role, "pw")).toEqual({
      ok: false,
      error: `password authentication failed for user "${role}"`,
    });
  });
});
