import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalBackend, TerraformStack } from "cdktf";
import { afterAll, describe, expect, it } from "vitest";
import { synthesize, TemporaryGrant, type TemporaryGrantProps } from "../../src/constructs/index.js";
import { builtinGrant } from "../support/builtin-grants.js";
import { apply, init, plan, resolveEngine, stateIdentity, type Workspace } from "../../src/runner/index.js";
import { sweepStack } from "../../src/sweep/sweep-stack.js";
import type { TargetCheck } from "../../src/targets/target-check.js";

// The sweep with real tofu and the clock moved by `now`: it revokes exactly the expired
// grants, through a plan limited to them when another change is pending, and reports the rest.
const hour = 3_600;
const t0 = Math.floor(Date.now() / 1000) + 60;
const grant = (id: string, expiresAt: number) => builtinGrant(id, { expiresAt });

describe("sweepStack with real tofu", () => {
  const outdir = mkdtempSync(join(tmpdir(), "tempgrant-sweep-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  let workspace: Workspace;

  const synthAt = (now: number, grants: TemporaryGrantProps[]): string =>
    synthesize({
      outdir,
      now,
      declare: (app) => {
        const stack = new TerraformStack(app, "grants");
        new LocalBackend(stack, { path: "terraform.tfstate" });
        for (const props of grants) new TemporaryGrant(stack, props.id ?? "", props);
      },
    }).grants ?? "";

  it("revokes only the expired grant while a new grant waits, then verifies", async () => {
    workspace = {
      engine: resolveEngine(),
      workingDir: synthAt(t0, [grant("a", t0 + hour), grant("b", t0 + 3 * hour)]),
      lockTimeout: "30s",
    };
    await init(workspace);
    await apply(workspace, (await plan(workspace, { out: "initial.tfplan" })).planFile);
    const serial = (await stateIdentity(workspace)).serial;

    // An hour later: a has expired, and c was merged but not applied yet.
    synthAt(t0 + hour, [grant("a", t0 + hour), grant("b", t0 + 3 * hour), grant("c", t0 + 5 * hour)]);
    const outcome = await sweepStack({ stack: "grants", workspace, now: t0 + hour });
    expect(outcome.revoked.map((r) => [r.id, [...r.addresses].sort()])).toEqual([
      ["a", ["tempgrant_grant.grant_a", "terraform_data.grant_a_access"]],
    ]);
    expect(outcome.pending).toEqual([
      { address: "tempgrant_grant.grant_c", action: "create" },
      { address: "terraform_data.grant_c_access", action: "create" },
    ]);
    expect(outcome).toMatchObject({ verified: true, dryRun: false, stateSerialBefore: serial });
    expect(outcome.planSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(outcome.stateSerialAfter).toBeGreaterThan(serial ?? 0);
    // Seconds per step; synth is the caller's. Every step ran, so each took some time.
    const { phases } = outcome;
    expect(Object.keys(phases)).toEqual(["init", "plan", "check", "apply", "verify"]);
    for (const seconds of [phases.init, phases.plan, phases.apply, phases.verify])
      expect(seconds).toBeGreaterThan(0);
    const sum = phases.init + phases.plan + phases.check + phases.apply + phases.verify;
    expect(sum).toBeLessThanOrEqual(outcome.durationSeconds + 0.005);

    // Again at the same instant: nothing left to revoke, c still pending, state untouched.
    const again = await sweepStack({ stack: "grants", workspace, now: t0 + hour });
    expect(again.revoked).toEqual([]);
    expect(again.pending.map((p) => p.address)).toEqual([
      "tempgrant_grant.grant_c",
      "terraform_data.grant_c_access",
    ]);
    expect([again.planSha256, again.stateSerialAfter]).toEqual([null, outcome.stateSerialAfter]);
  });

  it("in a dry run, says what it would revoke and changes nothing", async () => {
    synthAt(t0 + 3 * hour, [grant("b", t0 + 3 * hour)]);
    const before = (await stateIdentity(workspace)).serial;
    const outcome = await sweepStack({ stack: "grants", workspace, now: t0 + 3 * hour, dryRun: true });
    expect(outcome.revoked.map((r) => r.id)).toEqual(["b"]);
    expect([outcome.planSha256, outcome.stateSerialAfter, outcome.verified]).toEqual([null, before, false]);
    expect([outcome.phases.apply, outcome.phases.verify > 0]).toEqual([0, true]);
  });

  it("checks in the target around the apply, and a failed or broken target check fails the verification", async () => {
    const ws = {
      engine: resolveEngine(),
      workingDir: synthAt(t0, [grant("d", t0 + hour), grant("e", t0 + hour)]),
      lockTimeout: "30s",
    };
    await init(ws);
    await apply(ws, (await plan(ws, { out: "initial.tfplan" })).planFile);
    synthAt(t0 + 2 * hour, []);
    const calls: string[] = [];
    const failing: TargetCheck = {
      async beforeApply(revoked) {
        calls.push(`before ${revoked.map((r) => r.id).join(",")}`);
        return async () => {
          calls.push("after");
          return [{ grant: "d", method: "fake", ok: false, detail: "d can still log in" }];
        };
      },
    };
    const outcome = await sweepStack({
      stack: "grants",
      workspace: ws,
      now: t0 + 2 * hour,
      targetCheck: failing,
      onBeforeApply: async ({ grants }) => {
        calls.push(`intent ${grants.join(",")}`);
      },
    });
    // The revocation happened (the re-plan is clean), but the target says otherwise: not verified.
    expect(calls).toEqual(["before d,e", "intent d,e", "after"]);
    expect(outcome.revoked.map((r) => r.id)).toEqual(["d", "e"]);
    expect(outcome.verified).toBe(false);
    expect(outcome.targetChecks).toEqual([
      { grant: "d", method: "fake", ok: false, detail: "d can still log in" },
    ]);

    // A check that throws before the apply never holds the revocation back.
    synthAt(t0, [grant("f", t0 + hour)]);
    await apply(ws, (await plan(ws, { out: "again.tfplan" })).planFile);
    synthAt(t0 + 2 * hour, []);
    const broken: TargetCheck = {
      beforeApply: async () => {
        throw new Error("connection refused");
      },
    };
    const second = await sweepStack({
      stack: "grants",
      workspace: ws,
      now: t0 + 2 * hour,
      targetCheck: broken,
    });
    expect(second.revoked.map((r) => r.id)).toEqual(["f"]);
    expect(second.stateSerialAfter).toBeGreaterThan(second.stateSerialBefore ?? 0);
    expect(second.verified).toBe(false);
    expect(second.targetChecks?.[0]?.detail).toBe(
      "the check in the target failed before the apply: connection refused",
    );
  });
});
