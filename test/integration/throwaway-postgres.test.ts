import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { startThrowawayPostgres } from "../../src/testing/throwaway-postgres.js";
import { adminQuery, tryLogin } from "../support/postgres.js";

describe("the throwaway PostgreSQL server", () => {
  const server = inject("postgres");

  it("authenticates loopback logins by password, so VALID UNTIL is enforced", async () => {
    const suffix = Date.now().toString(36);
    const current = `current_${suffix}`;
    const lapsed = `lapsed_${suffix}`;
    for (const [name, until] of [
      [current, "2999-01-01 00:00:00+00"],
      [lapsed, "2000-01-01 00:00:00+00"],
    ] as const) {
      await adminQuery(
        server,
        `create role ${pg.escapeIdentifier(name)} login password 'pw' valid until '${until}'`,
      );
    }
    expect(await tryLogin(server, current, "pw")).toEqual({ ok: true, currentUser: current });
    expect(await tryLogin(server, current, "wrong")).toMatchObject({ ok: false });
    expect(await tryLogin(server, lapsed, "pw")).toEqual({
      ok: false,
      error: `password authentication failed for user "${lapsed}"`,
    });
  });

  it("stops and removes its folder, and a second one gets its own port", async () => {
    const second = await startThrowawayPostgres();
    expect(second.port).not.toBe(server.port);
    expect((await tryLogin(second, second.user, second.password)).ok).toBe(true);
    await second.stop();
    expect(existsSync(second.baseDir)).toBe(false);
    expect((await tryLogin(second, second.user, second.password)).ok).toBe(false);
  });

  it("stops in place and starts again on the same port with its data, in both stop modes", async () => {
    const outage = await startThrowawayPostgres();
    try {
      await adminQuery(outage, "create table kept (v text); insert into kept values ('before')");
      for (const mode of ["fast", "immediate"] as const) {
        await outage.stopServer(mode);
        expect(await tryLogin(outage, outage.user, outage.password)).toMatchObject({
          ok: false,
          error: expect.stringMatching(/ECONNREFUSED/),
        });
        await outage.startServer();
        // Same connection details: the port did not move and the data survived.
        expect(await adminQuery<{ v: string }>(outage, "select v from kept")).toEqual([{ v: "before" }]);
      }
    } finally {
      await outage.stop();
    }
    expect(existsSync(outage.baseDir)).toBe(false);
    await expect(outage.startServer()).rejects.toThrow(/was removed/);
  });
});
