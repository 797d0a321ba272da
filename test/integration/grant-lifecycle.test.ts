import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalBackend, TerraformStack } from "cdktf";
import { afterAll, describe, expect, it } from "vitest";
import { synthesize, TemporaryGrant } from "../../src/constructs/index.js";
import { builtinGrant } from "../support/builtin-grants.js";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../../src/runner/index.js";

// Real tofu, built-in resources only: the grant lifecycle (pending, active, expired) and the
// stale-synth guard, with the clock moved by `now` and never by sleeping.
interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[] } }[];
}

const grant = (id: string, window: { startsAt?: number; expiresAt: number }) => builtinGrant(id, window);

describe("grant lifecycle with real tofu, clock moved by now", () => {
  const outdir = mkdtempSync(join(tmpdir(), "tempgrant-lifecycle-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  // The provider checks each record against the real clock: its expiry at plan and apply
  // time, its start at apply time. So every expiry lies after the real clock, and the start of
  // `later` before it: the synth clock `now` still walks the whole lifecycle.
  const hour = 3_600;
  const t0 = Math.floor(Date.now() / 1000) - 2 * hour - 60;
  const grants = [
    grant("short", { expiresAt: t0 + 2.5 * hour }),
    grant("day", { expiresAt: t0 + 3 * hour }),
    grant("later", { startsAt: t0 + 2 * hour, expiresAt: t0 + 4 * hour }),
  ];
  let workspace: Workspace;

  async function sweepAt(now: number): Promise<string[]> {
    const stacks = synthesize({
      outdir,
      now,
      declare: (app) => {
        const stack = new TerraformStack(app, "lifecycle");
        new LocalBackend(stack, { path: "terraform.tfstate" });
        for (const props of grants) new TemporaryGrant(stack, props.id ?? "", props);
      },
    });
    workspace ??= { engine: resolveEngine(), workingDir: stacks.lifecycle ?? "", lockTimeout: "30s" };
    if (now === t0) await init(workspace);
    const result = await plan(workspace, { out: "sweep.tfplan" });
    const doc = (await showJson(workspace, result.planFile)) as PlanJson;
    await apply(workspace, result.planFile);
    return (doc.resource_changes ?? [])
      .filter((change) => !change.change.actions.includes("no-op"))
      .map((change) => `${change.change.actions.join("+")} ${change.address}`)
      .sort();
  }

  it("creates active grants, keeps pending ones out, and destroys each at its expiry", async () => {
    expect(await sweepAt(t0)).toEqual([
      "create tempgrant_grant.grant_day",
      "create tempgrant_grant.grant_short",
      "create terraform_data.grant_day_access",
      "create terraform_data.grant_short_access",
    ]);
    expect(await sweepAt(t0 + 2 * hour - 1)).toEqual([]);
    expect(await sweepAt(t0 + 2 * hour)).toEqual([
      "create tempgrant_grant.grant_later",
      "create terraform_data.grant_later_access",
    ]);
    expect(await sweepAt(t0 + 2.5 * hour - 1)).toEqual([]);
    expect(await sweepAt(t0 + 2.5 * hour)).toEqual([
      "delete tempgrant_grant.grant_short",
      "delete terraform_data.grant_short_access",
    ]);
    expect(await sweepAt(t0 + 3 * hour)).toEqual([
      "delete tempgrant_grant.grant_day",
      "delete terraform_data.grant_day_access",
    ]);
    expect(await sweepAt(t0 + 4 * hour)).toEqual([
      "delete tempgrant_grant.grant_later",
      "delete terraform_data.grant_later_access",
    ]);
  });

  it("refuses, at apply time, a grant whose start the real clock has not reached, and creates none of its access", async () => {
    const earlyDir = mkdtempSync(join(tmpdir(), "tempgrant-early-"));
    try {
      // Synthesized at a clock ahead of the real one, when the grant is active; applied now.
      const start = Math.floor(Date.now() / 1000) + hour;
      const stacks = synthesize({
        outdir: earlyDir,
        now: start,
        declare: (app) => {
          const stack = new TerraformStack(app, "early");
          new LocalBackend(stack, { path: "terraform.tfstate" });
          new TemporaryGrant(stack, "early", grant("early", { startsAt: start, expiresAt: start + hour }));
        },
      });
      const early: Workspace = {
        engine: resolveEngine(),
        workingDir: stacks.early ?? "",
        lockTimeout: "30s",
      };
      await init(early);
      const planned = await plan(early, { out: "early.tfplan" });
      const doc = (await showJson(early, planned.planFile)) as PlanJson;
      expect(doc.resource_changes?.map((change) => change.address).sort()).toEqual([
        "tempgrant_grant.grant_early",
        "terraform_data.grant_early_access",
      ]);
      await expect(apply(early, planned.planFile)).rejects.toThrow(
        /Grant not yet started[\s\S]*grant early starts at/,
      );
      // The access depends on the record: the refused record left nothing behind.
      const state = (await showJson(early)) as { values?: { root_module?: { resources?: unknown[] } } };
      expect(state.values?.root_module?.resources ?? []).toEqual([]);
    } finally {
      rmSync(earlyDir, { recursive: true, force: true });
    }
  });

  it("refuses, at plan time, to create a grant from a stale synth", async () => {
    const staleDir = mkdtempSync(join(tmpdir(), "tempgrant-stale-"));
    try {
      // Synthesized "in the past", when the grant was active; planned now, after its expiry.
      const stacks = synthesize({
        outdir: staleDir,
        now: Date.UTC(2020, 0, 1) / 1000,
        declare: (app) => {
          const stack = new TerraformStack(app, "stale");
          new LocalBackend(stack, { path: "terraform.tfstate" });
          new TemporaryGrant(stack, "old", grant("old", { expiresAt: Date.UTC(2020, 5, 1) / 1000 }));
        },
      });
      const stale: Workspace = {
        engine: resolveEngine(),
        workingDir: stacks.stale ?? "",
        lockTimeout: "30s",
      };
      await init(stale);
      await expect(plan(stale, { out: "stale.tfplan" })).rejects.toThrow(
        /grant old expired at 2020-06-01T00:00:00Z: this configuration is stale/,
      );
    } finally {
      rmSync(staleDir, { recursive: true, force: true });
    }
  });
});
