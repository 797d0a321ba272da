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
  // Plans run against the real clock (plantimestamp), so every window lies after it.
  const t0 = Math.floor(Date.now() / 1000) + 60;
  const hour = 3_600;
  const grants = [
    grant("short", { expiresAt: t0 + hour / 2 }),
    grant("day", { expiresAt: t0 + hour }),
    grant("later", { startsAt: t0 + 2 * hour, expiresAt: t0 + 3 * hour }),
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
      "create terraform_data.grant_day",
      "create terraform_data.grant_day_access",
      "create terraform_data.grant_short",
      "create terraform_data.grant_short_access",
    ]);
    expect(await sweepAt(t0 + hour / 2 - 1)).toEqual([]);
    expect(await sweepAt(t0 + hour / 2)).toEqual([
      "delete terraform_data.grant_short",
      "delete terraform_data.grant_short_access",
    ]);
    expect(await sweepAt(t0 + 2 * hour)).toEqual([
      "create terraform_data.grant_later",
      "create terraform_data.grant_later_access",
      "delete terraform_data.grant_day",
      "delete terraform_data.grant_day_access",
    ]);
    expect(await sweepAt(t0 + 3 * hour)).toEqual([
      "delete terraform_data.grant_later",
      "delete terraform_data.grant_later_access",
    ]);
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
        /grant old expired at 2020-06-01T00:00:00Z: this synth is stale/,
      );
    } finally {
      rmSync(staleDir, { recursive: true, force: true });
    }
  });
});
