import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { synthSmokeStack } from "../../stacks/smoke-stack.js";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../../src/runner/index.js";
import { ENGINES, skipWithoutEngine } from "../support/engines.js";

interface PlanJson {
  resource_changes?: { address: string; type: string; change: { actions: string[] } }[];
}
interface StateJson {
  values?: { root_module?: { resources?: { address: string; values: { input?: unknown } }[] } };
}

const changes = (doc: PlanJson) =>
  (doc.resource_changes ?? []).map((change) => `${change.address}:${change.change.actions.join("+")}`).sort();

describe.each(ENGINES)("real $kind: synth, init, plan, apply, shrink, apply", ({ kind }) => {
  const outdir = mkdtempSync(join(tmpdir(), `tempgrant-apply-${kind}-`));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("creates built-in records, then destroys the one that left the stack", async (context) => {
    skipWithoutEngine(kind, context);
    const workingDir = synthSmokeStack(outdir, {
      records: { alpha: { grant: "alpha" }, beta: { grant: "beta" } },
    });
    const workspace: Workspace = { engine: resolveEngine({ kind }), workingDir, lockTimeout: "30s" };
    await init(workspace);

    const created = await plan(workspace, { out: "create.tfplan" });
    expect(created.hasChanges).toBe(true);
    expect(changes((await showJson(workspace, created.planFile)) as PlanJson)).toEqual([
      "terraform_data.record_alpha:create",
      "terraform_data.record_beta:create",
    ]);
    await apply(workspace, created.planFile);
    const state = (await showJson(workspace)) as StateJson;
    expect(state.values?.root_module?.resources?.map((r) => [r.address, r.values.input])).toEqual([
      ["terraform_data.record_alpha", { grant: "alpha" }],
      ["terraform_data.record_beta", { grant: "beta" }],
    ]);

    synthSmokeStack(outdir, { records: { alpha: { grant: "alpha" } } });
    const shrunk = await plan(workspace, { out: "shrink.tfplan" });
    expect(changes((await showJson(workspace, shrunk.planFile)) as PlanJson)).toEqual([
      "terraform_data.record_alpha:no-op",
      "terraform_data.record_beta:delete",
    ]);
    await apply(workspace, shrunk.planFile);

    const settled = await plan(workspace, { out: "settled.tfplan" });
    expect(settled.hasChanges).toBe(false);
  });

  it("refuses to apply a saved plan once the state has moved on", async (context) => {
    skipWithoutEngine(kind, context);
    const workingDir = synthSmokeStack(outdir, { records: { gamma: { grant: "gamma" } } });
    const workspace: Workspace = { engine: resolveEngine({ kind }), workingDir, lockTimeout: "30s" };
    await init(workspace);
    const first = await plan(workspace, { out: "first.tfplan" });
    const second = await plan(workspace, { out: "second.tfplan" });
    await apply(workspace, first.planFile);
    await expect(apply(workspace, second.planFile)).rejects.toThrow(/[Ss]aved plan is stale/);
  });
});
