import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// The targets give plain Terraform JSON without cdktf (archived upstream): their whole module
// graph loads in a Node process whose resolver refuses cdktf, cdktn and constructs. The
// constructs, loaded the same way, are refused: the probe sees what it must. And the
// PostgreSQL client loads only when the PostgreSQL check runs, not with the plan's readers.
const root = join(import.meta.dirname, "..", "..");
const hook = pathToFileURL(join(root, "test", "support", "refuse-packages.mjs")).href;
const CDK = "cdktf,cdktn,constructs";
const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hook)});`;

/** Imports `module` (relative to the repository) in a fresh Node process that refuses `packages`; what it printed. */
function importRefusing(packages: string, module: string, script: string) {
  const run = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      register,
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(pathToFileURL(join(root, module)).href)});\n${script}`,
    ],
    { cwd: root, encoding: "utf8", env: { ...process.env, REFUSE_PACKAGES: packages } },
  );
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr };
}

describe("the targets without cdktf", () => {
  it("turn a grant into Terraform JSON with cdktf and constructs out of the module graph", () => {
    const script = `
      const { validateGrant } = await import(${JSON.stringify(pathToFileURL(join(root, "src/grant/index.ts")).href)});
      const { grant } = validateGrant({
        id: "alice-read", principal: "alice@example.com", target: "prod-k8s", access: "read",
        expiresAt: "2026-11-25T17:00:00Z", reason: "investigate INC-42", requestedBy: "alice@example.com",
      });
      const binding = m.kubernetesTarget.binding({ name: "prod-k8s", roles: { read: { kind: "ClusterRole", name: "view" } } });
      console.log(JSON.stringify(m.terraformResources(binding.resources(grant))));
    `;
    const run = importRefusing(CDK, "src/targets/index.ts", script);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, Record<string, { role_ref: unknown }>>;
    expect(json.kubernetes_cluster_role_binding_v1?.grant_alice_read?.role_ref).toEqual({
      api_group: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "view",
    });
  });

  it("is a probe that fails on cdktf: the constructs do not load under it", () => {
    const run = importRefusing(CDK, "src/constructs/index.ts", "console.log('loaded');");
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("refused package in the module graph");
  });

  it("load the PostgreSQL client only for the PostgreSQL check: the plan's readers and the sweep start without it", () => {
    for (const module of ["src/targets/index.ts", "src/plan/index.ts", "src/sweep/run-sweep.ts"]) {
      const run = importRefusing("pg", module, "console.log('loaded');");
      expect([run.status, run.stdout, run.stderr], module).toEqual([0, "loaded", ""]);
    }
    const check = importRefusing(
      "pg",
      "src/targets/index.ts",
      `const finish = await m.targetChecks({}).beforeApply([{ id: "a", record: { binding: "postgresql" }, addresses: [] }]);
       console.log(JSON.stringify(await finish()));`,
    );
    expect(check.status).not.toBe(0);
    expect(check.stderr).toContain("refused package in the module graph");
  });
});
