import { existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ledgerTail,
  makeBenchProject,
  sweepProject,
  tempgrantCli,
  type BenchGrant,
  type BenchProject,
  type LedgerEventFields,
  type TempgrantCli,
} from "../../bench/sweep-project.js";
import { verifyLedger } from "../../src/audit/ledger/index.js";
import { synthApp } from "../../src/check/synth-app.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { apply, init, plan, resolveEngine } from "../../src/runner/index.js";
import { objectName } from "../../src/targets/naming.js";
import { scramVerifier } from "../../src/targets/postgresql/scram-verifier.js";
import { loginClient } from "../../src/testing/postgres-access.js";
import { adminQuery, providerEnvironment, tryLogin } from "../support/postgres.js";

// The fast path on a PostgreSQL stack (docs/sweep.md, "The fast path"), through the real CLI
// as installed, real tofu, tempgrant's provider and a real server: after a full sweep that
// left nothing to do, a sweep past an expiry revokes from the state without the app and then
// checks inside the database exactly as a full sweep does (the role gone, its open session
// ended, recorded with the `postgresql` method); a check that cannot reach the database fails
// a fast sweep with the same exit code and the same record as it fails a full one. The
// provider block names the server, so the sweep's own PG* environment can point elsewhere.
const server = inject("postgres");
const suffix = Date.now().toString(36);
const privilegeRole = `fastpath_read_${suffix}`;
const hour = 3_600;
const t0 = Math.floor(Date.now() / 1000) + 60;
const ids = [1, 2, 3, 4].map((n) => `fp-${suffix}-${n}`);
const password = (id: string) => `pw-${id}`;
const grants: BenchGrant[] = ids.map((id, i) => ({
  id,
  expiresAt: t0 + (i + 1) * hour,
  credential: scramVerifier(password(id)),
}));

type Event = LedgerEventFields;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function roleExists(role: string): Promise<boolean> {
  return (await adminQuery(server, "select 1 from pg_roles where rolname = $1", [role])).length > 0;
}

describe("the sweep's fast path on PostgreSQL", () => {
  let cli: TempgrantCli;
  let project: BenchProject;
  /** The events the last sweep appended. */
  let appended: () => Promise<Event[]>;
  const goodEnv = providerEnvironment(server);
  let unreachableEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await adminQuery(server, `create role ${privilegeRole} nologin`);
    unreachableEnv = { ...goodEnv, PGHOST: "127.0.0.1", PGPORT: String(await closedPort()) };
    cli = await tempgrantCli("build", () => {});
    project = makeBenchProject(cli, [], {
      installed: true,
      postgres: { privilegeRole, server: { host: server.host, port: server.port } },
    });
    appended = ledgerTail(ledger());
    project.writeGrants(grants);
    await synthApp({ projectDir: project.dir, outdir: "cdktf.out", now: formatTimestamp(t0) });
    const workspace = {
      engine: resolveEngine(),
      workingDir: project.stackDir,
      lockTimeout: "60s",
      env: goodEnv,
    };
    await init(workspace);
    await apply(workspace, (await plan(workspace, { out: "setup.tfplan" })).planFile);
  });
  afterAll(async () => {
    if (project) rmSync(project.dir, { recursive: true, force: true });
    for (const id of ids) await adminQuery(server, `drop role if exists ${objectName(id)}`);
    await adminQuery(server, `drop role if exists ${privilegeRole}`);
  });

  const ledger = () => join(project.dir, ".tempgrant", "ledger.jsonl");
  const sweep = (now: number, env: NodeJS.ProcessEnv) => sweepProject(cli, project.dir, now, [], env);
  const ofType = (events: Event[], type: string) => events.find((event) => event.type === type) as Event;

  it("checks in the database on the fast path: the role is gone, its open session ended", async () => {
    const first = await sweep(t0 + 60, goodEnv);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(ofType(await appended(), "sweep").path).toBeUndefined();
    expect(existsSync(join(project.dir, ".tempgrant", "sweep-base", "grants.json")), first.stderr).toBe(true);

    const [due, kept] = ids as [string, string];
    expect(await tryLogin(server, objectName(due), password(due))).toMatchObject({ ok: true });
    const open: pg.Client = loginClient(server, objectName(due), password(due));
    await open.connect();
    // The app writes the manifest on every run: gone after the sweep, it shows the app did not run.
    const manifest = join(project.dir, "cdktf.out", "manifest.json");
    rmSync(manifest);

    const result = await sweep(t0 + hour + 60, goodEnv);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("fast path: nothing the app reads changed since the last full sweep");
    expect(result.stdout.split("\n")[0]).toBe(`grants: revoked 1 grant(s) (${due}), verified`);
    expect(existsSync(manifest)).toBe(false);

    // The database itself: no role, no login, the session that was open is over; the next grant's access stays.
    expect(await roleExists(objectName(due))).toBe(false);
    expect(await tryLogin(server, objectName(due), password(due))).toMatchObject({ ok: false });
    await expect(open.query("select 1")).rejects.toThrow();
    await open.end().catch(() => {});
    expect(await tryLogin(server, objectName(kept), password(kept))).toMatchObject({ ok: true });

    const events = await appended();
    expect(events.map((event) => event.type)).toEqual(["sweep-started", "sweep", "verification"]);
    const check = {
      grant: due,
      method: "postgresql",
      ok: true,
      detail: expect.stringMatching(
        new RegExp(`^role ${objectName(due)} gone, \\d open session\\(s\\) ended, 0 left$`),
      ),
    };
    expect(ofType(events, "sweep")).toMatchObject({ path: "state", verified: true, targetChecks: [check] });
    expect(ofType(events, "verification")).toMatchObject({
      grants: [due],
      verified: true,
      method: "state+postgresql",
      targetChecks: [check],
    });
    expect((await verifyLedger(ledger())).valid).toBe(true);
  });

  it("fails a fast sweep whose check cannot reach the database as it fails a full sweep", async () => {
    const [, second, third] = ids as [string, string, string];
    // The provider connects through its block; the sweep's check through PG*, which points nowhere.
    const fast = await sweep(t0 + 2 * hour + 60, unreachableEnv);
    const fastEvents = await appended();
    const fastSweep = ofType(fastEvents, "sweep");
    expect(fastSweep.path, fast.stderr).toBe("state");
    // Never holds the revocation back: the role is gone, the verification failed.
    expect(await roleExists(objectName(second))).toBe(false);

    // The failed fast sweep dropped its base: the next one runs the app, with the same check.
    const full = await sweep(t0 + 3 * hour + 60, unreachableEnv);
    const fullEvents = await appended();
    const fullSweep = ofType(fullEvents, "sweep");
    expect(fullSweep.path, full.stderr).toBeUndefined();
    expect(await roleExists(objectName(third))).toBe(false);

    expect(fast.exitCode).toBe(1);
    expect(full.exitCode).toBe(fast.exitCode);
    expect(fast.stdout.split("\n")[0]).toBe(`grants: revoked 1 grant(s) (${second}), NOT VERIFIED`);
    expect(full.stdout.split("\n")[0]).toBe(`grants: revoked 1 grant(s) (${third}), NOT VERIFIED`);
    expect(fastEvents.map((event) => event.type)).toEqual(fullEvents.map((event) => event.type));
    const failedCheck = [
      {
        grant: "*",
        method: "target",
        ok: false,
        detail: expect.stringMatching(/^the check in the target failed before the apply: .*ECONNREFUSED/),
      },
    ];
    expect(fastSweep).toMatchObject({ verified: false, targetChecks: failedCheck });
    expect(fullSweep).toMatchObject({ verified: false, targetChecks: failedCheck });
    expect(fastSweep.targetChecks).toEqual(fullSweep.targetChecks);
    const fastVerification = ofType(fastEvents, "verification");
    const fullVerification = ofType(fullEvents, "verification");
    expect(fastVerification).toMatchObject({ grants: [second], verified: false, method: "state+target" });
    expect(fullVerification).toMatchObject({ grants: [third], verified: false, method: "re-plan+target" });
    expect(fastVerification.targetChecks).toEqual(fullVerification.targetChecks);
  });

  it("checks in the database in degraded mode too (the app broken): the role is gone, exit 5", async () => {
    const last = ids[3]!;
    project.breakApp("throws");
    try {
      const degraded = await sweep(t0 + 4 * hour + 60, goodEnv);
      expect(degraded.exitCode, degraded.stderr).toBe(5);
      expect(await roleExists(objectName(last))).toBe(false);
      const events = await appended();
      expect(ofType(events, "sweep")).toMatchObject({
        verified: true,
        degraded: { configuration: "last-good" },
        targetChecks: [{ grant: last, method: "postgresql", ok: true }],
      });
      expect(ofType(events, "verification")).toMatchObject({ grants: [last], method: "state+postgresql" });
    } finally {
      project.breakApp(null);
    }
  });
});
