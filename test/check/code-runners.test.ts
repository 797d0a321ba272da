import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPlanFile, readPlanFileWithHelper } from "../../src/plan/read-plan.js";
import { resolveConfig } from "../../src/policy/index.js";
import { codeRunBy, codeRunners } from "../../src/plan/code-runners.js";
import { apply, init, plan, resolveEngine, showJson } from "../../src/runner/index.js";
import { runCli } from "../support/cli.js";
import { created, noGrant, planAt, planDenials, tooWide } from "../support/plan-denials.js";

// Code the stack runs acts with the pipeline's rights where no check can read it: provisioners
// and program data sources are denied (unmanaged/runs-code), through a real tofu plan (never
// applied: the provisioners must not run) and crafted plans for what tofu here cannot plan
// (the external provider is not in the mirror).
const config = resolveConfig();
const t = Math.floor(Date.now() / 1000) + 60;
const denials = planDenials(config, () => t);

const runsCode = (address: string, type: string, runs: string) =>
  `unmanaged/runs-code: ${address} (${type}) ${runs}, with the pipeline's rights and out of any check's sight: keep the grants stack free of code it runs`;
const PROVISIONER = "runs its local-exec provisioner when created or destroyed";

describe("through a real tofu plan", () => {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-code-runners-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const planFile = join(dir, "plan.json");
  let planned: Promise<unknown> | undefined;

  /** A root resource with a local-exec provisioner, and a module (two instances) whose resource has a remote-exec one. */
  const realPlan = () =>
    (planned ??= (async () => {
      // A command that would fail if it ever ran: the plan is never applied.
      const local = { "local-exec": { command: "false" } };
      writeFileSync(
        join(dir, "main.tf.json"),
        JSON.stringify({
          resource: {
            terraform_data: {
              quiet: { input: "no code" },
              hook: { input: "x", provisioner: [local] },
            },
          },
          // A string key may hold "]" or "[": it must not hide the block from its configuration.
          module: {
            m: { source: "./m", count: 2 },
            n: { source: "./m", for_each: '${toset(["a]b", "c[0].d"])}' },
          },
        }),
      );
      mkdirSync(join(dir, "m"), { recursive: true });
      writeFileSync(
        join(dir, "m", "main.tf.json"),
        JSON.stringify({
          resource: {
            terraform_data: {
              b: {
                provisioner: [{ "remote-exec": { inline: ["false"], connection: { host: "192.0.2.1" } } }],
              },
            },
          },
        }),
      );
      const workspace = { engine: resolveEngine(), workingDir: dir, lockTimeout: "30s" };
      await init(workspace);
      const result = await plan(workspace, { out: "p.tfplan" });
      const doc = await showJson(workspace, result.planFile);
      writeFileSync(planFile, JSON.stringify(doc));
      return doc;
    })());

  const expected = [
    runsCode(
      "module.m[0].terraform_data.b",
      "terraform_data",
      "runs its remote-exec provisioner when created or destroyed",
    ),
    runsCode(
      "module.m[1].terraform_data.b",
      "terraform_data",
      "runs its remote-exec provisioner when created or destroyed",
    ),
    runsCode(
      'module.n["a]b"].terraform_data.b',
      "terraform_data",
      "runs its remote-exec provisioner when created or destroyed",
    ),
    runsCode(
      'module.n["c[0].d"].terraform_data.b',
      "terraform_data",
      "runs its remote-exec provisioner when created or destroyed",
    ),
    runsCode("terraform_data.hook", "terraform_data", PROVISIONER),
  ];

  it("denies each resource created with a provisioner, in the root and in every module instance", async () => {
    expect(await denials(await realPlan())).toEqual(expected);
  });

  it("gives the same denials through the file readers, in memory and skimmed with a helper thread", async () => {
    await realPlan();
    for (const read of [
      readPlanFile(planFile, { chunkBytes: 64 }),
      await readPlanFileWithHelper(planFile, { chunkBytes: 64, helperFromBytes: 0 }),
    ]) {
      if (read.kind !== "json") throw new Error("read as binary");
      expect(await denials(read.plan)).toEqual(expected);
    }
  });

  it("exits 1 from tempgrant check, naming the rule", async () => {
    await realPlan();
    const result = await runCli(["check", planFile, "--format", "json"]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as { deny: { rule: string; address: string }[] };
    expect(report.deny.filter((v) => v.rule === "unmanaged/runs-code").map((v) => v.address)).toEqual([
      "module.m[0].terraform_data.b",
      "module.m[1].terraform_data.b",
      'module.n["a]b"].terraform_data.b',
      'module.n["c[0].d"].terraform_data.b',
      "terraform_data.hook",
    ]);
  });
});

describe("through crafted plans", () => {
  const withConfig = (changes: object[], rootModule: object) => ({
    ...planAt(t, changes),
    configuration: { root_module: rootModule },
  });
  const externalBlock = (address: string) => ({
    address,
    mode: "data",
    type: "external",
    name: address.split(".").pop(),
    expressions: { program: { constant_value: ["sh", "-c", "aws iam attach-user-policy ..."] } },
  });

  it("denies an external data source anywhere in the configuration, though it has no change of its own", async () => {
    const doc = withConfig([], {
      resources: [externalBlock("data.external.who")],
      module_calls: { deep: { module: { resources: [externalBlock("data.external.x")] } } },
    });
    expect(await denials(doc)).toEqual([
      runsCode("data.external.who", "external", "runs the program it names during every plan"),
      runsCode("module.deep.data.external.x", "external", "runs the program it names during every plan"),
    ]);
  });

  it("judges a provisioner with its resource: created, replaced or destroyed runs it; unchanged or updated does not", async () => {
    const block = {
      address: "terraform_data.hook",
      mode: "managed",
      type: "terraform_data",
      name: "hook",
      provisioners: [{ type: "local-exec", expressions: { command: { constant_value: "true" } } }],
    };
    const change = (actions: string[]) => ({
      address: "terraform_data.hook",
      mode: "managed",
      type: "terraform_data",
      name: "hook",
      change: {
        actions,
        before: actions[0] === "create" ? null : {},
        after: actions[0] === "delete" ? null : {},
      },
    });
    const deny = [runsCode("terraform_data.hook", "terraform_data", PROVISIONER)];
    expect(await denials(withConfig([change(["create"])], { resources: [block] }))).toEqual(deny);
    expect(await denials(withConfig([change(["delete", "create"])], { resources: [block] }))).toEqual(deny);
    expect(await denials(withConfig([change(["delete"])], { resources: [block] }))).toEqual(deny);
    // A replacement under lifecycle destroy = false forgets the old one and creates anew: it runs.
    expect(await denials(withConfig([change(["forget", "create"])], { resources: [block] }))).toEqual(deny);
    expect(await denials(withConfig([change(["create", "forget"])], { resources: [block] }))).toEqual(deny);
    expect(await denials(withConfig([change(["forget"])], { resources: [block] }))).toEqual([]);
    expect(await denials(withConfig([change(["no-op"])], { resources: [block] }))).toEqual([]);
    expect(await denials(withConfig([change(["update"])], { resources: [block] }))).toEqual([]);
    // The same resource with no provisioner is plain data.
    expect(
      await denials(withConfig([change(["create"])], { resources: [{ ...block, provisioners: [] }] })),
    ).toEqual([]);
  });

  it("reads the shell provider's scripts as privileged and too wide", async () => {
    expect(
      await denials(planAt(t, [created("shell_script.x", "shell_script", { lifecycle_commands: [] })])),
    ).toEqual([
      tooWide("shell_script.x", "whatever a shell script holds, which tempgrant does not read"),
      noGrant("shell_script.x", "shell_script"),
    ]);
  });
});

describe("a removed block's destroy-time provisioner, which the plan JSON leaves out", () => {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-removed-block-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const RUNS =
    "runs the local-exec provisioner of a removed block, which the plan does not show, when destroyed";

  it("is read from the stack's cdk.tf.json: tempgrant check --chdir denies the plan that destroys", async () => {
    // A synthesized stack's file name: tofu reads it, and so does tempgrant beside the plan.
    const config = (body: object) => writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(body));
    config({ resource: { terraform_data: { a: { input: "x" } } } });
    const workspace = { engine: resolveEngine(), workingDir: dir, lockTimeout: "30s" };
    await init(workspace);
    await apply(workspace, (await plan(workspace, { out: "p.tfplan" })).planFile);
    config({
      removed: [
        {
          from: "terraform_data.a",
          lifecycle: { destroy: true },
          provisioner: [{ "local-exec": { when: "destroy", command: "false" } }],
        },
      ],
    });
    const doc = await showJson(workspace, (await plan(workspace, { out: "p.tfplan" })).planFile);
    expect(JSON.stringify(doc)).not.toContain("local-exec");
    const planFile = join(dir, "plan.json");
    writeFileSync(planFile, JSON.stringify(doc));
    const beside = await runCli(["check", planFile, "--chdir", dir, "--format", "json"]);
    expect([beside.exitCode, beside.stderr]).toEqual([1, ""]);
    const report = JSON.parse(beside.stdout) as { deny: { rule: string; message: string }[] };
    expect(report.deny.map((v) => `${v.rule}: ${v.message}`)).toEqual([
      runsCode("terraform_data.a", "terraform_data", RUNS),
    ]);
    // Away from its stack, the plan alone cannot show it (documented as not guarded).
    const away = await runCli(["check", planFile, "--chdir", tmpdir(), "--format", "json"]);
    expect(away.exitCode).toBe(0);
  });

  it("names a resource, or a whole module and every resource under it", () => {
    const change = (address: string, module?: string) => ({
      address,
      mode: "managed",
      type: "terraform_data",
      name: address.split(".").pop()!.replace(/\[.*$/, ""),
      ...(module !== undefined ? { module_address: module } : {}),
      change: { actions: ["delete"], before: {}, after: null },
    });
    const runners = codeRunners({ format_version: "1.2", planned_values: {}, resource_changes: [] }, [
      { from: "module.m.terraform_data.a", provisioners: ["local-exec"] },
      { from: "module.n", provisioners: ["local-exec", "local-exec"] },
    ]);
    expect(codeRunBy(runners, change('module.m["k"].terraform_data.a[0]', 'module.m["k"]'))).toBe(RUNS);
    expect(codeRunBy(runners, change("module.m.terraform_data.b", "module.m"))).toBeUndefined();
    expect(
      codeRunBy(runners, change("module.n[0].module.deep.terraform_data.x", "module.n[0].module.deep")),
    ).toBe(
      "runs the local-exec provisioners of a removed block, which the plan does not show, when destroyed",
    );
    expect(codeRunBy(runners, change("terraform_data.a"))).toBeUndefined();
    // A block that cannot be placed may name anything: every destroy runs it, no create does.
    const anywhere = codeRunners({ format_version: "1.2", planned_values: {}, resource_changes: [] }, [
      { from: "*", provisioners: ["unread"] },
    ]);
    const runs =
      "runs the unread provisioner of a removed block, which the plan does not show, when destroyed";
    expect(codeRunBy(anywhere, change("terraform_data.a"))).toBe(runs);
    expect(
      codeRunBy(anywhere, { ...change("terraform_data.a"), change: { actions: ["create"], after: {} } }),
    ).toBeUndefined();
  });
});
