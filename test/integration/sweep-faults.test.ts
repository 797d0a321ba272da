import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readLedger, verifyLedger } from "../../src/audit/ledger/index.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { runCommand } from "../../src/exec/run-command.js";
import { resolveEngine, showJson, stateIdentity, type Workspace } from "../../src/runner/index.js";
import { engineCommand } from "../../src/runner/workspace.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../../src/testing/throwaway-postgres.js";
import { runCli } from "../support/cli.js";
import {
  groupAlive,
  killRunningClis,
  makeSlowRevocationProject,
  spawnCli,
  waitFor,
  type SlowRevocationProject,
  aliceAndCarol,
  ALICE_AND_CAROL,
  CAROL_ONLY,
} from "../support/fault-project.js";
import { adminQuery, providerEnvironment } from "../support/postgres.js";

// Faults in the middle of a sweep's apply, with real tofu, a real PostgreSQL holding the
// state (pg backend) and real processes; the clock is moved by --now, never by sleeping.
// The window: each revoked grant's access has a destroy provisioner that waits for the
// test (see makeSlowRevocationProject), so the fault lands while tofu is applying.
//
// What this does not prove: each grant's record is tempgrant's provider's tempgrant_grant,
// but its access is a terraform_data (a CustomTarget), not a PostgreSQL role. That a revoked
// role's logins are refused and its live sessions are ended with pg_terminate_backend after
// a recovered sweep is not shown; only the state, the sweep's exit, its retries, the lock
// and the ledger are. A real role dropped by the interrupted apply would be found gone by
// the next sweep's refresh; here the re-applied destroy runs again instead.
const hour = 3_600;
const t0 = Math.floor(Date.now() / 1000) + 60;
const at = (seconds: number) => formatTimestamp(seconds);
const GRANTS = aliceAndCarol(t0);
const ALL = ALICE_AND_CAROL;

interface StateDocument {
  values?: { root_module?: { resources?: { address: string }[] } };
}

/** Resource addresses of the stack's state, read by the engine (`show -json`). */
async function stateAddresses(workspace: Workspace): Promise<string[]> {
  const state = (await showJson(workspace)) as StateDocument;
  return (state.values?.root_module?.resources ?? []).map((r) => r.address).sort();
}

interface RawState {
  serial: number;
  lineage: string;
  resources: { type: string; name: string }[];
}

describe("faults in the middle of a sweep's apply", () => {
  let server: ThrowawayPostgres;
  const projects: SlowRevocationProject[] = [];
  beforeAll(async () => {
    server = await startThrowawayPostgres();
  });
  // A failed assertion while the server is down must not fail the tests after it.
  let serverDown = false;
  afterEach(async () => {
    if (serverDown) await server.startServer();
    serverDown = false;
  });
  afterAll(async () => {
    killRunningClis();
    await server?.stop();
    for (const project of projects) rmSync(project.dir, { recursive: true, force: true });
  });

  const env = () => providerEnvironment(server);
  const connStr = () =>
    `postgres://${server.user}@${server.host}:${server.port}/${server.database}?sslmode=disable`;
  const workspace = (project: SlowRevocationProject): Workspace => ({
    engine: resolveEngine(),
    workingDir: project.stackDir,
    lockTimeout: "10s",
    env: env(),
  });
  /** The state row as the pg backend stored it, parsed. */
  const storedState = async (schemaName: string): Promise<{ names: string[]; state: RawState }> => {
    const rows = await adminQuery<{ name: string; data: string }>(
      server,
      `select name, data from ${pg.escapeIdentifier(schemaName)}.states order by name`,
    );
    return { names: rows.map((row) => row.name), state: JSON.parse(rows[0]?.data ?? "null") as RawState };
  };
  const advisoryLocks = async () =>
    (
      await adminQuery<{ n: string }>(
        server,
        "select count(*) as n from pg_locks where locktype = 'advisory'",
      )
    )[0]?.n;

  /** A project whose grants alice (expires t0+1h) and carol (t0+3h) `tempgrant apply` applied at t0. */
  async function appliedProject(pgSchema?: string): Promise<SlowRevocationProject> {
    const project = makeSlowRevocationProject(
      pgSchema ? { pgBackend: { connStr: connStr(), schemaName: pgSchema } } : {},
    );
    projects.push(project);
    project.writeGrants(GRANTS);
    const applied = await runCli(["apply", "--chdir", project.dir, "--now", at(t0)], env());
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect(await stateAddresses(workspace(project))).toEqual(ALL);
    return project;
  }

  /** Starts a sweep at t0+1h (alice expired) and resolves once alice's revocation is under way. */
  async function sweepUntilMidApply(project: SlowRevocationProject) {
    project.hold();
    project.clearMarkers();
    const sweep = spawnCli(["sweep", "--chdir", project.dir, "--now", at(t0 + hour)], env());
    await waitFor("alice's revocation started", () => project.revocation("alice").started, {
      gaveUp: sweep.exited,
    });
    return sweep;
  }

  /** The sweep after a fault: at the same instant, it revokes alice and verifies. */
  async function recoverySweep(project: SlowRevocationProject) {
    project.release();
    project.clearMarkers();
    const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");
    const seen = (await readLedger(ledger)).length;
    // A short lock timeout: a lock left behind would fail this sweep fast instead of waiting.
    const result = await runCli(
      ["sweep", "--chdir", project.dir, "--now", at(t0 + hour), "--lock-timeout", "5s"],
      env(),
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("ledger: revoked 1 grant(s) (alice), verified");
    expect(result.stderr).not.toMatch(/failed transiently/);
    expect(project.revocation("alice")).toEqual({ started: true, finished: true });
    expect(await stateAddresses(workspace(project))).toEqual(CAROL_ONLY);
    const events = (await readLedger(ledger))
      .slice(seen)
      .map((entry) => entry.event as unknown as Record<string, unknown>);
    expect(events.map((event) => event.type)).toEqual(["sweep-started", "sweep", "verification"]);
    expect((events[1]?.revoked as { id: string }[]).map((r) => r.id)).toEqual(["alice"]);
    expect(events[2]).toMatchObject({ grants: ["alice"], verified: true, method: "re-plan" });
    expect((await verifyLedger(ledger)).valid).toBe(true);
    return { result, sweepEvent: events[1] ?? {} };
  }

  it("PostgreSQL stopped during the apply: exit 1 with a failure event, the stored state unharmed; the next sweep completes", async () => {
    const schemaName = "faults_stopped";
    const project = await appliedProject(schemaName);
    const before = (await storedState(schemaName)).state;
    const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");
    const seen = (await readLedger(ledger)).length;

    const sweep = await sweepUntilMidApply(project);
    await server.stopServer("fast");
    serverDown = true;
    project.release();
    const result = await sweep.exited;

    // Exit 1 at once, with one line: the apply ran, the state did not reach the backend,
    // where tofu put it instead. No retry: applying the plan again would fork the state.
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(/failed transiently/);
    const errorLines = result.stderr.split("\n").filter((line) => line.startsWith("tempgrant:"));
    const errored = join(project.stackDir, "errored.tfstate");
    expect(errorLines).toEqual([
      expect.stringMatching(
        /^tempgrant: sweep ledger: apply revocations: the apply ran, but its state could not be saved to the backend \(dial tcp 127\.0\.0\.1:\d+: connect: connection refused\); the engine wrote it to \S+errored\.tfstate\. Run the sweep again once the backend is back/,
      ),
    ]);
    expect(result.stderr.trimEnd().split("\n").at(-1)).toBe(errorLines[0]);
    // The revocation ran in the target; the state after it exists only in errored.tfstate.
    expect(project.revocation("alice").finished).toBe(true);
    const orphan = JSON.parse(readFileSync(errored, "utf8")) as RawState;
    expect(orphan.lineage).toBe(before.lineage);
    expect(orphan.serial).toBeGreaterThan(before.serial);
    expect(orphan.resources.map((r) => `${r.type}.${r.name}`).sort()).toEqual(CAROL_ONLY);
    const [started, failure, ...more] = (await readLedger(ledger)).slice(seen).map((entry) => entry.event);
    expect(more).toEqual([]);
    expect(started).toMatchObject({ type: "sweep-started", grants: ["alice"] });
    expect(failure).toEqual({
      type: "failure",
      version: 2,
      step: "sweep",
      now: at(t0 + hour),
      stack: "ledger",
      error: errorLines[0]?.slice("tempgrant: ".length),
    });
    expect((await verifyLedger(ledger)).valid).toBe(true);

    await server.startServer();
    serverDown = false;
    // Consistent: one state row, whole JSON, the serial and lineage from before the sweep
    // (the write never landed), alice still in it, and no advisory lock left.
    const after = await storedState(schemaName);
    expect(after.names).toEqual(["default"]);
    expect([after.state.serial, after.state.lineage]).toEqual([before.serial, before.lineage]);
    expect(after.state.resources.map((r) => `${r.type}.${r.name}`).sort()).toEqual(ALL);
    expect(await advisoryLocks()).toBe("0");
    expect(await stateIdentity(workspace(project))).toEqual({
      serial: before.serial,
      lineage: before.lineage,
    });

    const { result: recovery, sweepEvent } = await recoverySweep(project);
    expect(recovery.stderr).toContain(
      `ledger: WARNING ${errored} is left from an apply whose state could not be saved`,
    );
    expect(sweepEvent.stateSerialBefore).toBe(before.serial);
    expect(sweepEvent.stateSerialAfter).toBeGreaterThan(before.serial);
    // tofu never reads errored.tfstate again: it stays behind, out of date, for the operator.
    expect(existsSync(errored)).toBe(true);
  });

  for (const backend of ["local", "pg"] as const) {
    it(`SIGKILL of the sweep's process group mid-apply (${backend} backend): the next sweep recovers`, async () => {
      const schemaName = `faults_kill_${backend}`;
      const project = await appliedProject(backend === "pg" ? schemaName : undefined);
      const serialBefore = (await stateIdentity(workspace(project))).serial;
      const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");
      const seen = (await readLedger(ledger)).length;

      const sweep = await sweepUntilMidApply(project);
      sweep.killGroup("SIGKILL");
      const killed = await sweep.exited;
      expect(killed.signal).toBe("SIGKILL");
      await waitFor("every process of the group gone", () => !groupAlive(sweep.pid));
      expect(project.revocation("alice").finished).toBe(false);
      // The ledger shows where the run stopped: it started revoking alice, and nothing after.
      const recorded = (await readLedger(ledger)).slice(seen).map((entry) => entry.event);
      expect(recorded).toEqual([expect.objectContaining({ type: "sweep-started", grants: ["alice"] })]);

      const lockInfo = join(project.stackDir, ".terraform.tfstate.lock.info");
      if (backend === "local") {
        // tofu's local lock is an fcntl lock on terraform.tfstate, which the kernel drops with
        // the process; the lock-info file it wrote beside the state stays behind.
        expect(existsSync(lockInfo)).toBe(true);
        const info = JSON.parse(readFileSync(lockInfo, "utf8")) as { ID: string; Operation: string };
        expect(info.Operation).toBe("OperationTypeApply");
        // ...and force-unlock cannot help: the local backend only unlocks a lock its own
        // process holds. Nothing needs unlocking: the next sweep takes the lock at once.
        const unlock = await runCommand(
          engineCommand(workspace(project), ["force-unlock", "-force", info.ID]),
        );
        expect([unlock.exitCode, unlock.stderr]).toEqual([
          1,
          expect.stringContaining("LocalState not locked"),
        ]);
      } else {
        // The advisory lock belonged to the killed session, and went with it.
        await waitFor("the advisory lock released", async () => (await advisoryLocks()) === "0", {
          timeoutMs: 10_000,
        });
      }
      expect(await stateIdentity(workspace(project))).toMatchObject({ serial: serialBefore });
      expect(await stateAddresses(workspace(project))).toEqual(ALL);
      const { sweepEvent } = await recoverySweep(project);
      expect(sweepEvent.stateSerialBefore).toBe(serialBefore);
      expect(existsSync(lockInfo)).toBe(false);
    });
  }

  it("a live sweep in the same checkout: the next one waits for the project's run lock, then fails naming the holder", async () => {
    const project = await appliedProject();
    const holder = await sweepUntilMidApply(project);
    try {
      // In one checkout the run lock (.tempgrant/run.lock) stops it before the state lock
      // could: the two would share cdktf.out. Across checkouts tofu's state lock still guards.
      const blocked = await runCli(
        ["sweep", "--chdir", project.dir, "--now", at(t0 + hour), "--lock-timeout", "1s"],
        env(),
      );
      expect(blocked.exitCode).toBe(1);
      expect(blocked.stderr.trim()).toMatch(
        /^tempgrant: sweep: another tempgrant sweep \(pid \d+ on .+, since .+\) is running in .+ and still holds .+run\.lock after 1s/,
      );
    } finally {
      project.release();
    }
    const held = await holder.exited;
    expect([held.exitCode, held.stdout.split("\n")[0]]).toEqual([
      0,
      "ledger: revoked 1 grant(s) (alice), verified",
    ]);
    expect(await stateAddresses(workspace(project))).toEqual(CAROL_ONLY);
  });

  it("a live session holding the pg lock: tofu names itself, not the holder, and force-unlock releases nothing", async () => {
    const schemaName = "faults_live_pg";
    const project = await appliedProject(schemaName);
    const ws = workspace(project);
    // The holder: a session that took the lock the way the pg backend does, on the state row.
    const holder = new pg.Client({ ...server });
    await holder.connect();
    try {
      await holder.query(
        `select pg_advisory_lock(id) from ${pg.escapeIdentifier(schemaName)}.states where name = 'default'`,
      );
      const blocked = await runCommand(
        engineCommand(ws, ["plan", "-input=false", "-no-color", "-lock-timeout=1s"]),
      );
      expect(blocked.exitCode).toBe(1);
      expect(blocked.stderr).toMatch(
        /Error acquiring the state lock[\s\S]*Workspace is already locked: default/,
      );
      // The Lock Info printed is this plan's own request, not the holder's.
      expect(blocked.stderr).toMatch(/Operation: OperationTypePlan/);
      const unlock = await runCommand(
        engineCommand(ws, ["force-unlock", "-force", "00000000-0000-0000-0000-000000000000"]),
      );
      expect([unlock.exitCode, unlock.stdout]).toEqual([0, expect.stringContaining("successfully unlocked")]);
      const still = await runCommand(
        engineCommand(ws, ["plan", "-input=false", "-no-color", "-lock-timeout=1s"]),
      );
      expect([still.exitCode, still.stderr]).toEqual([
        1,
        expect.stringContaining("Workspace is already locked"),
      ]);
    } finally {
      await holder.end();
    }
    // The holder's session ended: the lock went with it.
    await waitFor("the advisory lock released", async () => (await advisoryLocks()) === "0", {
      timeoutMs: 10_000,
    });
    const free = await runCommand(
      engineCommand(ws, ["plan", "-input=false", "-no-color", "-lock-timeout=1s"]),
    );
    expect(free.exitCode, free.stderr).toBe(0);
  });
});
