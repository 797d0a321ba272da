import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkPlanShape, indexPlan, toPolicyInput, type PolicyInput } from "../../src/plan/index.js";
import { indexedDocuments, policyDocuments } from "../../src/policy/policy-documents.js";
import {
  buildPolicyBundle,
  loadPolicyEngine,
  policiesDir,
  resolveConfig,
  type PolicyEngine,
} from "../../src/policy/index.js";
import { readToolchainManifest } from "../../src/toolchain/manifest.js";
import { runCli } from "../support/cli.js";
import { variedPlan } from "../support/varied-plan.js";

// A large plan is checked in parts, on helper threads, only because the verdicts are the
// same as those of one evaluation of the whole: proved here on the real bundle with a plan
// that trips every rule, and refused for a bundle whose rule counts across grants.
const now = 1_800_000_000;
const config = resolveConfig({
  approvals: { allowed: ["*@example.com"], aliases: { "a.smith": "alice@example.com" } },
});
const inputOptions = { fallbackNow: now, aliases: config.policy.approvals.aliases };
const variedPlanJson = checkPlanShape(variedPlan(240, now), "varied");
const input: PolicyInput = toPolicyInput(variedPlanJson, inputOptions);
const engines: PolicyEngine[] = [];
const engine = async (options: Parameters<typeof loadPolicyEngine>[2], bundle?: string) => {
  const loaded = await loadPolicyEngine(config.policy, bundle, options);
  engines.push(loaded);
  return loaded;
};
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-partitioned-"));
afterAll(async () => {
  await Promise.all(engines.map((loaded) => loaded.close()));
  rmSync(scratch, { recursive: true, force: true });
});

describe("checking a plan in parts", () => {
  it("gives the verdicts of one whole evaluation, on this thread and on helper threads", async () => {
    const whole = await (
      await engine({ itemsPerPart: Number.POSITIVE_INFINITY, helperThreads: 0 })
    ).evaluate(input);
    const rules = new Set(whole.deny.map((verdict) => verdict.rule));
    // Not a vacuous comparison: the plan trips nearly every rule, many times.
    expect(rules.size).toBeGreaterThanOrEqual(13);
    expect(whole.deny.length).toBeGreaterThan(200);
    expect(whole.warn.length).toBeGreaterThan(10);
    for (const options of [
      { itemsPerPart: 7, helperThreads: 0 },
      { itemsPerPart: 5, helperThreads: 1 },
      { itemsPerPart: 64, helperThreads: 2 },
    ]) {
      expect([options, await (await engine(options)).evaluate(input)]).toEqual([options, whole]);
    }
  });

  it("builds the same parts from the plan's index, view by view, as from the whole input", async () => {
    const index = indexPlan(variedPlanJson, inputOptions);
    for (const size of [1, 7, 64, Number.POSITIVE_INFINITY]) {
      const built = JSON.stringify([...indexedDocuments(index, size)]);
      expect(built).toEqual(JSON.stringify([...policyDocuments(input, size)]));
    }
    const whole = await (
      await engine({ itemsPerPart: Number.POSITIVE_INFINITY, helperThreads: 0 })
    ).evaluate(input);
    for (const options of [
      { itemsPerPart: 5, helperThreads: 0 },
      { itemsPerPart: 5, helperThreads: 1 },
    ]) {
      expect([options, await (await engine(options)).evaluatePlan(index)]).toEqual([options, whole]);
    }
  });

  it("gives the same verdicts through the CLI on a plan large enough for the helper threads", async () => {
    const plan = variedPlan(6_000, now);
    const path = join(scratch, "large-plan.json");
    writeFileSync(path, JSON.stringify(plan));
    writeFileSync(
      join(scratch, "tempgrant.yaml"),
      "approvals:\n  allowed: ['*@example.com']\n  aliases: {a.smith: alice@example.com}\n",
    );
    const large = toPolicyInput(checkPlanShape(plan, path), {
      fallbackNow: now,
      aliases: config.policy.approvals.aliases,
    });
    const whole = await (
      await engine({ itemsPerPart: Number.POSITIVE_INFINITY, helperThreads: 0 })
    ).evaluate(large);
    const result = await runCli([
      "check",
      path,
      "--format",
      "json",
      "--config",
      join(scratch, "tempgrant.yaml"),
    ]);
    expect([result.exitCode, result.stderr]).toEqual([1, ""]);
    const report = JSON.parse(result.stdout) as { deny: unknown[]; warn: unknown[] };
    expect([report.deny.length, report.warn.length]).toEqual([whole.deny.length, whole.warn.length]);
    expect(whole.deny.length).toBeGreaterThan(5_000);
  });

  it("exits at once when a helper thread started late had nothing to do", async () => {
    // Many small resources: enough parts to start a helper, too little text to start it ahead,
    // so this thread may finish before the helper is ready.
    const plan = variedPlan(200, now) as { resource_changes: object[] };
    for (let index = 0; index < 9_000; index += 1) {
      plan.resource_changes.push({
        address: `null_resource.n${index}`,
        mode: "managed",
        type: "null_resource",
        change: { actions: ["create"], before: null, after: {}, after_unknown: {} },
      });
    }
    const path = join(scratch, "many-small.json");
    writeFileSync(path, JSON.stringify(plan));
    expect(statSync(path).size).toBeLessThan(2 * 1024 * 1024);
    const started = Date.now();
    const result = await runCli(["check", path, "--format", "json"]);
    expect([result.exitCode, result.stderr]).toEqual([1, ""]);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("keeps the plan whole when a rule does not declare that it judges one item at a time", async () => {
    const opa = readToolchainManifest()?.opa ?? "opa";
    const pack = policiesDir();
    const custom = join(scratch, "counting");
    (await import("node:fs")).mkdirSync(custom, { recursive: true });
    writeFileSync(
      join(custom, "at_most_fifty.rego"),
      [
        "package tempgrant.rules.org.at_most_fifty",
        "",
        "import rego.v1",
        "",
        'deny contains {"rule": "org/at-most-fifty", "grant": null, "address": null, "message": "too many grants"} if {',
        "\tcount(input.grants) > 50",
        "}",
        "",
      ].join("\n"),
    );
    const bundle = await buildPolicyBundle({
      opa,
      sources: ["main.rego", "lib", "rules", custom],
      cwd: pack,
      capabilities: join(pack, "capabilities.json"),
      out: join(scratch, "custom.wasm"),
    });
    // Parts of 20 items would each hold fewer than 50 grants: the rule fires only on the whole.
    const verdicts = await (
      await engine({ itemsPerPart: 20, helperThreads: 1 }, bundle.path)
    ).evaluate(input);
    expect(verdicts.deny.filter((verdict) => verdict.rule === "org/at-most-fifty")).toHaveLength(1);
  });
});
