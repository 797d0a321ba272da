import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { synthSmokeStack } from "../../stacks/smoke-stack.js";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../../src/runner/index.js";
import { readToolchainManifest } from "../../src/toolchain/manifest.js";
import { adminQuery, providerEnvironment, tryLogin } from "../support/postgres.js";

interface PlanJson {
  resource_changes?: { type: string; change: { actions: string[] } }[];
}

const provider = readToolchainManifest()?.tempgrantProvider ?? { available: false, problem: "no bootstrap" };

describe("the cyrilgdn/postgresql provider from the filesystem mirror", () => {
  const server = inject("postgres");
  const outdir = mkdtempSync(join(tmpdir(), "tempgrant-provider-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const roleName = `smoke_${Date.now().toString(36)}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const workspaceFor = (workingDir: string): Workspace => ({
    engine: resolveEngine(),
    workingDir,
    lockTimeout: "30s",
    env: providerEnvironment(server),
  });

  it.runIf(provider.available)("creates a login role, then removes it when it leaves the stack", async () => {
    const workspace = workspaceFor(synthSmokeStack(outdir, { roles: [{ name: roleName, password }] }));
    await init(workspace);

    const created = await plan(workspace, { out: "create.tfplan" });
    const createPlan = (await showJson(workspace, created.planFile)) as PlanJson;
    expect(createPlan.resource_changes?.map((c) => [c.type, c.change.actions])).toEqual([
      ["postgresql_role", ["create"]],
    ]);
    await apply(workspace, created.planFile);
    expect(
      await adminQuery(server, "select rolcanlogin from pg_roles where rolname = $1", [roleName]),
    ).toEqual([{ rolcanlogin: true }]);
    expect(await tryLogin(server, roleName, password)).toEqual({ ok: true, currentUser: roleName });

    synthSmokeStack(outdir, { roles: [] });
    const removed = await plan(workspace, { out: "remove.tfplan" });
    const removePlan = (await showJson(workspace, removed.planFile)) as PlanJson;
    expect(removePlan.resource_changes?.map((c) => c.change.actions)).toEqual([["delete"]]);
    await apply(workspace, removed.planFile);
    expect(await adminQuery(server, "select 1 from pg_roles where rolname = $1", [roleName])).toEqual([]);
    expect((await tryLogin(server, roleName, password)).ok).toBe(false);
    expect((await plan(workspace, { out: "settled.tfplan" })).hasChanges).toBe(false);
  });

  // Where the provider could not be built (see the bootstrap's warning), the mirror-only
  // CLI config must fail closed at init: no registry download, a message naming the provider.
  it.skipIf(provider.available)("fails closed at init when the mirror lacks the provider", async () => {
    const workspace = workspaceFor(synthSmokeStack(outdir, { roles: [{ name: roleName, password }] }));
    await expect(init(workspace)).rejects.toThrow(/cyrilgdn\/postgresql/);
  });
});
