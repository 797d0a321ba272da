import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  grantsInState,
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

// The fast path of the sweep (docs/sweep.md, "The fast path"), with real tofu, tempgrant's
// real provider and the real CLI as installed (compiled and bundled), on a project laid out
// as `tempgrant init` makes one (the app compiled): when nothing the app reads changed since
// the last full sweep that left nothing to do, the app is not run and exactly the grants
// expired since are revoked from the state and verified; every kind of change (a grants
// file, a grant deleted before its expiry, tempgrant.yaml, the app's source, an environment
// variable it read, an apply in between, --full) runs the app instead. The clock moves by --now.
const hour = 3_600;
const t0 = Math.floor(Date.now() / 1000) + 60;
const grants: BenchGrant[] = [1, 2, 3, 4, 5].map((n) => ({ id: `g${n}`, expiresAt: t0 + n * hour }));

type Event = LedgerEventFields;

describe("the sweep's fast path", () => {
  let cli: TempgrantCli;
  let project: BenchProject;
  /** The events the last sweep appended. */
  let appended: () => Promise<Event[]>;
  beforeAll(async () => {
    cli = await tempgrantCli("build", () => {});
    project = makeBenchProject(cli, [], { installed: true });
    appended = ledgerTail(ledger());
    project.writeGrants(grants);
    await synthApp({ projectDir: project.dir, outdir: "cdktf.out", now: formatTimestamp(t0) });
    const workspace = { engine: resolveEngine(), workingDir: project.stackDir, lockTimeout: "60s" };
    await init(workspace);
    await apply(workspace, (await plan(workspace, { out: "setup.tfplan" })).planFile);
  });
  afterAll(() => {
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  const ledger = () => join(project.dir, ".tempgrant", "ledger.jsonl");
  const sweep = (now: number, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}) =>
    sweepProject(cli, project.dir, now, extra, env);
  const sweepEvent = (events: Event[]) => events.find((event) => event.type === "sweep") as Event;
  const revokedIds = (event: Event) => (event.revoked as { id: string }[]).map((grant) => grant.id).sort();

  /** A sweep that ran the app: no `path` in its event, and the app's work timed. */
  async function expectFull(now: number, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}) {
    const result = await sweep(now, extra, env);
    expect(result.exitCode, result.stderr).toBe(0);
    const event = sweepEvent(await appended());
    expect(event.path, result.stderr).toBeUndefined();
    return { result, event };
  }

  it("lays its base with a full sweep that finds nothing to do", async () => {
    const { result } = await expectFull(t0 + 60);
    expect(result.stderr).toContain("full sweep: no earlier full sweep");
    expect(existsSync(join(project.dir, ".tempgrant", "sweep-base", "grants.json"))).toBe(true);
  });

  it("then revokes exactly the grants expired since, without the app, and verifies from the state", async () => {
    // The app writes the manifest on every run (synth-app.ts removes it first): gone, it shows the app did not run.
    const manifest = join(project.dir, "cdktf.out", "manifest.json");
    rmSync(manifest);
    const result = await sweep(t0 + hour + 60);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("fast path: nothing the app reads changed since the last full sweep");
    expect(result.stdout.split("\n")[0]).toBe("grants: revoked 1 grant(s) (g1), verified");
    expect([...grantsInState(project.stackDir)].sort()).toEqual(["g2", "g3", "g4", "g5"]);
    const events = await appended();
    expect(events.map((event) => event.type)).toEqual(["sweep-started", "sweep", "verification"]);
    const event = sweepEvent(events);
    expect(event).toMatchObject({
      path: "state",
      verified: true,
      nextExpiry: formatTimestamp(t0 + 2 * hour),
    });
    expect(revokedIds(event)).toEqual(["g1"]);
    expect(event.degraded).toBeUndefined();
    expect(existsSync(manifest)).toBe(false);
    expect(events[2]).toMatchObject({
      type: "verification",
      grants: ["g1"],
      verified: true,
      method: "state",
    });
    // A fast sweep with nothing due changes nothing and stays fast.
    const quiet = await sweep(t0 + hour + 120);
    expect(quiet.exitCode, quiet.stderr).toBe(0);
    const again = sweepEvent(await appended());
    expect(again).toMatchObject({ path: "state", verified: true, revoked: [] });
    expect((await verifyLedger(ledger())).valid).toBe(true);
  });

  it("runs the app with --full", async () => {
    await expectFull(t0 + hour + 180, ["--full"]);
  });

  it("runs the app when the app's source changed", async () => {
    appendFileSync(join(project.dir, "app.ts"), "// a comment changes the bundle's digest\n");
    const { result } = await expectFull(t0 + hour + 240);
    expect(result.stderr).toContain("what the app reads changed since the last full sweep");
  });

  it("runs the app when tempgrant.yaml changed", async () => {
    appendFileSync(join(project.dir, "tempgrant.yaml"), "revocationMargin: 1m\n");
    await expectFull(t0 + hour + 300);
  });

  it("runs the app when an environment variable the app read changed", async () => {
    // cdktf reads CDKTF_CONTEXT_JSON: a value that changes nothing still changes what the app read.
    await expectFull(t0 + hour + 360, [], { CDKTF_CONTEXT_JSON: "{}" });
  });

  it("runs the app when a grant is deleted from its file before its expiry, and revokes it", async () => {
    // The base of the full sweep just above is current: without the change, the next sweep is fast.
    project.writeGrants(grants.filter((grant) => grant.id !== "g3"));
    const { event } = await expectFull(t0 + hour + 420, [], { CDKTF_CONTEXT_JSON: "{}" });
    expect(revokedIds(event)).toEqual(["g3"]);
    expect([...grantsInState(project.stackDir)].sort()).toEqual(["g2", "g4", "g5"]);
  });

  it("runs the app when a grants file changed otherwise", async () => {
    const yaml = join(project.dir, "grants", "team.yaml");
    writeFileSync(yaml, `${readFileSync(yaml, "utf8")}# reviewed\n`);
    await expectFull(t0 + hour + 480, [], { CDKTF_CONTEXT_JSON: "{}" });
  });

  it("runs the app when another run changed the state since, even with the files as they were", async () => {
    // Fast again first: nothing changed since the full sweep above.
    const fast = await sweep(t0 + hour + 540, [], { CDKTF_CONTEXT_JSON: "{}" });
    expect(fast.exitCode, fast.stderr).toBe(0);
    expect(sweepEvent(await appended()).path).toBe("state");
    // A grant merged and applied (by tofu, as `tempgrant apply` would), then deleted from the
    // file before its expiry: the files are as the base saw them, the state is not.
    const yaml = join(project.dir, "grants", "team.yaml");
    const before = readFileSync(yaml, "utf8");
    project.writeGrants([
      ...grants.filter((grant) => grant.id !== "g3"),
      { id: "g6", expiresAt: t0 + 6 * hour },
    ]);
    await synthApp({ projectDir: project.dir, outdir: "cdktf.out", now: formatTimestamp(t0 + hour + 560) });
    const workspace = { engine: resolveEngine(), workingDir: project.stackDir, lockTimeout: "60s" };
    await apply(workspace, (await plan(workspace, { out: "between.tfplan" })).planFile);
    expect(grantsInState(project.stackDir).has("g6")).toBe(true);
    writeFileSync(yaml, before);
    const { result, event } = await expectFull(t0 + hour + 600, [], { CDKTF_CONTEXT_JSON: "{}" });
    expect(result.stderr).toContain('the state of "grants" changed since the last full sweep');
    expect(revokedIds(event)).toEqual(["g6"]);
    expect([...grantsInState(project.stackDir)].sort()).toEqual(["g2", "g4", "g5"]);
  });

  it("runs the app when the app's own code reads the system clock (a rota by the time of day)", async () => {
    const app = join(project.dir, "app.ts");
    const source = readFileSync(app, "utf8");
    writeFileSync(app, source.replace("app.synth();", "void Date.now();\napp.synth();"));
    const first = await expectFull(t0 + hour + 630, [], { CDKTF_CONTEXT_JSON: "{}" });
    expect(first.result.stderr).toContain(
      "grants: the next sweep runs the app too: what the app read cannot be replayed: its own code reads the system clock",
    );
    await expectFull(t0 + hour + 645, [], { CDKTF_CONTEXT_JSON: "{}" });
    writeFileSync(app, source);
  });

  it("runs the app when the app reads a grant's status (its output may change with the clock otherwise)", async () => {
    const app = join(project.dir, "app.ts");
    writeFileSync(
      app,
      readFileSync(app, "utf8").replace(
        "app.synth();",
        'if (declared.grants.some((grant) => grant.status === "pending")) throw new Error("none pending");\napp.synth();',
      ),
    );
    const first = await expectFull(t0 + hour + 660, [], { CDKTF_CONTEXT_JSON: "{}" });
    expect(first.result.stderr).toContain(
      "grants: the next sweep runs the app too: the app reads grants' status",
    );
    const { result } = await expectFull(t0 + 2 * hour + 60, [], { CDKTF_CONTEXT_JSON: "{}" });
    expect(result.stderr).toContain('full sweep: no full sweep of stack "grants" to start from');
    expect([...grantsInState(project.stackDir)].sort()).toEqual(["g4", "g5"]);
  });

  it("runs the app while a stack it synthesizes has no base of its own (its state empty)", async () => {
    // A stack with nothing applied yet keeps no base; an apply could fill it at any time.
    const app = join(project.dir, "app.ts");
    writeFileSync(
      app,
      readFileSync(app, "utf8")
        .replace(/^if \(declared\.grants\.some.*\n/m, "")
        .replace("app.synth();", 'new TerraformStack(app, "later");\napp.synth();'),
    );
    await expectFull(t0 + 2 * hour + 120, [], { CDKTF_CONTEXT_JSON: "{}" });
    const { result } = await expectFull(t0 + 2 * hour + 180, [], { CDKTF_CONTEXT_JSON: "{}" });
    expect(result.stderr).toContain('full sweep: no full sweep of stack "later" to start from');
  });
});
