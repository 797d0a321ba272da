import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { accessWindows } from "../../src/audit/access-windows.js";
import { readLedger, verifyLedger } from "../../src/audit/ledger/index.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveEngine, showJson, stateIdentity, type Workspace } from "../../src/runner/index.js";
import { runCommand } from "../../src/exec/run-command.js";
import { runCli } from "../support/cli.js";
import {
  groupAlive,
  killRunningClis,
  makeSlowRevocationProject,
  spawnCli,
  waitFor,
  type BrokenApp,
  type SlowRevocationProject,
  aliceAndCarol,
  ALICE_AND_CAROL,
  CAROL_ONLY,
} from "../support/fault-project.js";

// Revocation that must happen whatever else breaks, through the real CLI with real tofu and
// the clock moved by --now: a destroy that fails once, a sweep killed mid-apply, each kind of
// broken build (degraded mode, exit 5), and a ledger that cannot be written.
const hour = 3_600;
const t0 = Math.floor(Date.now() / 1000) + 60;
const at = (seconds: number) => formatTimestamp(seconds);
const GRANTS = aliceAndCarol(t0);
const ALL = ALICE_AND_CAROL;

type Event = Record<string, unknown> & { type: string };

describe("revocation whatever breaks", () => {
  const projects: SlowRevocationProject[] = [];
  afterAll(() => {
    killRunningClis();
    for (const project of projects) rmSync(project.dir, { recursive: true, force: true });
  });
  const workspace = (project: SlowRevocationProject): Workspace => ({
    engine: resolveEngine(),
    workingDir: project.stackDir,
    lockTimeout: "10s",
  });
  const stateAddresses = async (project: SlowRevocationProject): Promise<string[]> => {
    const state = (await showJson(workspace(project))) as {
      values?: { root_module?: { resources?: { address: string }[] } };
    };
    return (state.values?.root_module?.resources ?? []).map((r) => r.address).sort();
  };
  const ledgerOf = (project: SlowRevocationProject) => join(project.dir, ".tempgrant", "ledger.jsonl");
  const events = async (project: SlowRevocationProject, from = 0): Promise<Event[]> =>
    (await readLedger(ledgerOf(project))).slice(from).map((entry) => entry.event as unknown as Event);
  const sweep = (project: SlowRevocationProject, now: number, extra: string[] = []) =>
    runCli(["sweep", "--chdir", project.dir, "--now", at(now), "--lock-timeout", "5s", ...extra]);

  /** alice (t0+1h) and carol (t0+3h) applied at t0, and one sweep that found nothing due (it keeps the last good configuration). */
  async function appliedProject(): Promise<SlowRevocationProject> {
    const project = makeSlowRevocationProject();
    projects.push(project);
    project.writeGrants(GRANTS);
    project.release();
    const applied = await runCli(["apply", "--chdir", project.dir, "--now", at(t0)]);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    const quiet = await sweep(project, t0 + 60);
    expect([quiet.exitCode, quiet.stdout.split("\n")[0]], quiet.stderr).toEqual([
      0,
      "ledger: revoked 0 grant(s), verified",
    ]);
    expect(await stateAddresses(project)).toEqual(ALL);
    return project;
  }

  /** The sweep after a fault converges: alice's leftover access revoked, verified, exit 0, no full apply. */
  async function expectConverged(project: SlowRevocationProject, now: number, seen: number) {
    const result = await sweep(project, now);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(
      /^ledger: revoked 1 grant\(s\) \(alice( \[left behind\])?\), verified$/,
    );
    expect(await stateAddresses(project)).toEqual(CAROL_ONLY);
    const recorded = await events(project, seen);
    expect(recorded.map((event) => event.type)).toEqual(["sweep-started", "sweep", "verification"]);
    expect(recorded[1]).toMatchObject({ pending: [], verified: true });
    expect((await verifyLedger(ledgerOf(project))).valid).toBe(true);
    return { result, sweepEvent: recorded[1] as Event };
  }

  it("a destroy that fails once: the record stays with its access; the next sweep revokes both", async () => {
    const project = await appliedProject();
    const seen = (await readLedger(ledgerOf(project))).length;
    project.refuse();
    const failed = await sweep(project, t0 + hour);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/the target refuses to revoke alice/);
    // The access depends on its record, so tofu never destroys the record while the access
    // it owns is still there: nothing is left without an owner for the next sweep to find.
    expect(await stateAddresses(project)).toEqual(ALICE_AND_CAROL);
    const afterFailure = await events(project, seen);
    expect(afterFailure.map((event) => event.type)).toEqual(["sweep-started", "failure"]);

    project.accept();
    const { result, sweepEvent } = await expectConverged(project, t0 + hour + 60, seen + 2);
    expect(result.stdout.split("\n")[0]).toBe("ledger: revoked 1 grant(s) (alice), verified");
    const revoked = sweepEvent.revoked as { id: string; addresses: string[] }[];
    expect(revoked.map((grant) => [grant.id, [...grant.addresses].sort()])).toEqual([
      ["alice", ["tempgrant_grant.grant_alice", "terraform_data.grant_alice_access"]],
    ]);
    // audit who: alice's window closed by the sweep that removed the last of her access.
    const window = accessWindows(await readLedger(ledgerOf(project))).find((w) => w.id === "alice");
    expect([window?.ending, window?.endedAt]).toEqual(["expired-verified", t0 + hour + 60]);
  });

  it("a sweep killed mid-apply (SIGTERM to its process group): the next sweep converges", async () => {
    const project = await appliedProject();
    const seen = (await readLedger(ledgerOf(project))).length;
    project.hold();
    project.clearMarkers();
    const running = spawnCli(["sweep", "--chdir", project.dir, "--now", at(t0 + hour)]);
    await waitFor("alice's revocation started", () => project.revocation("alice").started, {
      gaveUp: running.exited,
    });
    running.killGroup("SIGTERM");
    const killed = await running.exited;
    expect(killed.signal ?? killed.exitCode).not.toBe(0);
    // OpenTofu shuts down gracefully on SIGTERM and may still wait for the interrupted
    // provisioner (seen on loaded machines: one run in several). After 10 s the provisioner
    // is killed, never tofu: a SIGKILL while tofu saves a local state can leave it truncated,
    // which no sweep could recover from (a remote backend writes it in one transaction).
    try {
      await waitFor("every process of the group gone", () => !groupAlive(running.pid), { timeoutMs: 10_000 });
    } catch {
      project.killRevocations();
      await waitFor(
        "every process of the group gone once the provisioner died",
        () => !groupAlive(running.pid),
        {
          timeoutMs: 120_000,
        },
      );
    }
    expect(project.revocation("alice").finished).toBe(false);
    // Whatever the interrupted apply managed to save, alice's access is still there.
    const left = await stateAddresses(project);
    expect(left).toContain("terraform_data.grant_alice_access");
    // Told to stop, the sweep let tofu finish its own shutdown (so the state above is whole,
    // never truncated by a tofu dying of SIGPIPE), recorded what tofu said, and exited 1.
    expect(killed.exitCode, killed.stderr).toBe(1);
    expect(killed.stderr).toMatch(/SIGTERM received: letting the running command finish/);
    const stopped = await events(project, seen);
    expect(stopped.map((event) => event.type)).toEqual(["sweep-started", "failure"]);
    expect(stopped[1]).toMatchObject({ step: "sweep", error: expect.stringMatching(/apply revocations/) });
    project.release();
    const { sweepEvent } = await expectConverged(project, t0 + hour, seen + 2);
    const revoked = sweepEvent.revoked as { id: string; leftover?: boolean }[];
    expect(revoked.map((r) => r.id)).toEqual(["alice"]);
    // The record went with the interrupted apply exactly when the recovering sweep found a leftover.
    expect(revoked[0]?.leftover === true).toBe(!left.includes("tempgrant_grant.grant_alice"));
  });

  const broken: { kind: BrokenApp; reason: RegExp; args?: string[] }[] = [
    { kind: "throws", reason: /^synth: .*the grants repo is broken/s },
    {
      kind: "does-not-compile",
      // One line, saying where the code does not compile (never the app's stack trace).
      reason:
        /^synth: the cdktf app failed: Transform failed with 1 error: \S*app\.ts:1:6: ERROR: Expected identifier but found "="; run `.*` to see all of its output$/,
    },
    { kind: "no-output", reason: /^synth: the app exited 0 but synthesized nothing/ },
    {
      kind: "hangs",
      reason: /^synth: the cdktf app did not finish within 3s and was killed$/,
      args: ["--synth-timeout", "3s"],
    },
    { kind: "stack-renamed", reason: /^the app did not synthesize stack "ledger" \(renamed or removed\?\)/ },
  ];
  for (const { kind, reason, args } of broken) {
    it(`a broken build (${kind}) still revokes the expired grant from the state: degraded event, exit 5`, async () => {
      const project = await appliedProject();
      const seen = (await readLedger(ledgerOf(project))).length;
      project.breakApp(kind);
      const result = await sweep(project, t0 + hour, args);
      expect(result.exitCode, result.stderr).toBe(5);
      expect(result.stdout).toMatch(/^ledger: DEGRADED \(revoked from the state alone\): /);
      expect(result.stdout).toContain("ledger: revoked 1 grant(s) (alice), verified");
      expect(result.stdout).toContain(
        "ledger: status unknown for 1 grant(s): carol (not expired; removed from the code?)",
      );
      expect(await stateAddresses(project)).toEqual(CAROL_ONLY);
      const recorded = (await events(project, seen)).filter((event) => event.stack === "ledger");
      expect(recorded.map((event) => event.type)).toEqual(["sweep-started", "sweep", "verification"]);
      const degraded = recorded[1]?.degraded as {
        reason: string;
        unknownGrants: unknown;
        configuration: string;
      };
      expect(degraded.reason).toMatch(reason);
      expect(degraded).toMatchObject({
        unknownGrants: [{ id: "carol", expiresAt: at(t0 + 3 * hour) }],
        configuration: "last-good",
      });
      expect(recorded[1]).toMatchObject({
        verified: true,
        revoked: [expect.objectContaining({ id: "alice" })],
      });
      expect(recorded[2]).toMatchObject({ grants: ["alice"], verified: true, method: "state" });
      expect((await verifyLedger(ledgerOf(project))).valid).toBe(true);

      // Repaired: a normal sweep again, carol untouched.
      project.repairApp();
      const repaired = await sweep(project, t0 + hour + 60);
      expect([repaired.exitCode, repaired.stdout.split("\n")[0]], repaired.stderr).toEqual([
        0,
        "ledger: revoked 0 grant(s), verified",
      ]);
      expect(await stateAddresses(project)).toEqual(CAROL_ONLY);
    });
  }

  it("a ledger that cannot be written does not keep access alive; the next writable sweep records it as recovered", async () => {
    const project = await appliedProject();
    const ledger = ledgerOf(project);
    const seen = (await readLedger(ledger)).length;
    // A directory in the ledger's place (chmod means nothing to root, which the tests run as).
    renameSync(ledger, `${ledger}.aside`);
    mkdirSync(ledger);
    const result = await sweep(project, t0 + hour);
    expect(result.exitCode).toBe(1);
    expect(await stateAddresses(project)).toEqual(CAROL_ONLY);
    const unrecorded = result.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { unrecorded: Event; error: string });
    expect(unrecorded.map((line) => line.unrecorded.type)).toEqual([
      "sweep-started",
      "sweep",
      "verification",
    ]);
    expect(unrecorded[1]?.unrecorded).toMatchObject({ revoked: [expect.objectContaining({ id: "alice" })] });
    expect(unrecorded[0]?.error).toMatch(/ledger/);

    rmSync(ledger, { recursive: true });
    renameSync(`${ledger}.aside`, ledger);
    const next = await sweep(project, t0 + hour + 300);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(next.stderr).toContain("[sweep] ledger: recovered unrecorded revocation(s): alice");
    const recorded = await events(project, seen);
    expect(recorded[0]).toEqual({
      type: "recovered",
      version: 2,
      stack: "ledger",
      now: at(t0 + hour + 300),
      grants: ["alice"],
      reason: expect.stringMatching(/never revoked, but the state held none of their access/),
    });
    expect((await verifyLedger(ledger)).valid).toBe(true);
    // audit who is right again: alice's access ended, at the latest when the recovery saw it gone.
    const who = await runCli([
      "audit",
      "who",
      "--principal",
      "alice@example.com",
      "--from",
      at(t0),
      "--to",
      at(t0 + 2 * hour),
      "--ledger",
      ledger,
      "--json",
    ]);
    expect(who.exitCode, who.stderr).toBe(0);
    expect(who.stdout).toContain('"ending": "expired-verified"');
    const window = accessWindows(await readLedger(ledger)).find((w) => w.id === "alice");
    expect([window?.ending, window?.endedAt]).toEqual(["expired-verified", t0 + hour + 300]);
  });

  /**
   * An engine that loses the state as OpenTofu 1.12 was seen to when a sweep's process group is
   * stopped while a provider starts: the apply runs for real, then the local state file is left
   * empty and the apply exits 1. With `pushFails`, `state push` fails too.
   */
  function losingEngine(project: SlowRevocationProject, pushFails = false): string {
    const file = join(project.dir, "losing-engine.sh");
    const real = resolveEngine().binary;
    writeFileSync(
      file,
      [
        "#!/bin/sh",
        `[ "$1 $2" = "state push" ] && [ ${pushFails ? 1 : 0} = 1 ] && { echo "push refused" >&2; exit 1; }`,
        `'${real}' "$@"; code=$?`,
        '[ "$1" = apply ] && { : > terraform.tfstate; exit 1; }',
        "exit $code",
        "",
      ].join("\n"),
    );
    chmodSync(file, 0o755);
    return file;
  }

  it("an apply that leaves the state empty: tempgrant puts the state back and the next sweep revokes again", async () => {
    const project = await appliedProject();
    const seen = (await readLedger(ledgerOf(project))).length;
    const { serial, lineage } = await stateIdentity(workspace(project));
    const lost = await runCli(
      ["sweep", "--chdir", project.dir, "--now", at(t0 + hour), "--lock-timeout", "5s"],
      { TEMPGRANT_ENGINE_BINARY: losingEngine(project) },
    );
    expect(lost.exitCode, lost.stderr).toBe(1);
    expect(lost.stderr).toContain(
      `the engine left no state behind; tempgrant put back the state from before the apply (serial ${serial})`,
    );
    // The state is whole again, as before the apply: alice's access is there to be revoked.
    expect(await stateAddresses(project)).toEqual(ALL);
    expect((await stateIdentity(workspace(project))).lineage).toBe(lineage);
    expect(existsSync(join(project.stackDir, "tempgrant-state-before-apply.tfstate"))).toBe(false);
    const failed = await events(project, seen);
    expect(failed.map((event) => event.type)).toEqual(["sweep-started", "failure"]);
    expect(failed[1]).toMatchObject({
      error: expect.stringMatching(/put back the state from before the apply/),
    });
    const { sweepEvent } = await expectConverged(project, t0 + hour + 60, seen + 2);
    expect((sweepEvent.revoked as { id: string }[]).map((grant) => grant.id)).toEqual(["alice"]);
  });

  it("a lost state that cannot be put back: kept for the operator, and no sweep counts its grants as revoked", async () => {
    const project = await appliedProject();
    const seen = (await readLedger(ledgerOf(project))).length;
    const lost = await runCli(
      ["sweep", "--chdir", project.dir, "--now", at(t0 + hour), "--lock-timeout", "5s"],
      { TEMPGRANT_ENGINE_BINARY: losingEngine(project, true) },
    );
    expect(lost.exitCode, lost.stderr).toBe(1);
    const kept = join(project.stackDir, "tempgrant-state-before-apply.tfstate");
    expect(lost.stderr).toContain(`It is kept in ${kept}: run \`tofu state push ${kept}\``);
    expect(await stateAddresses(project)).toEqual([]);
    expect(JSON.parse(readFileSync(kept, "utf8"))).toMatchObject({ lineage: expect.any(String) });
    // No state is not proof that access is gone: the next sweep refuses to call carol or alice revoked.
    const blind = await sweep(project, t0 + hour + 60);
    expect(blind.exitCode, blind.stdout).toBe(1);
    expect(blind.stderr).toContain(
      "the ledger shows alice, carol applied and never revoked, but the stack has no state at all",
    );
    const refused = await events(project, seen + 2);
    expect(refused.map((event) => event.type)).not.toContain("recovered");
    expect(refused.at(-1)).toMatchObject({
      type: "failure",
      error: expect.stringMatching(/no state at all/),
    });
    // The operator pushes the kept state back, as the message says; the next sweep converges.
    const pushed = await runCommand({
      program: resolveEngine().binary,
      args: ["state", "push", kept],
      cwd: project.stackDir,
    });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(await stateAddresses(project)).toEqual(ALL);
    await expectConverged(project, t0 + hour + 120, (await readLedger(ledgerOf(project))).length);
  });
});
