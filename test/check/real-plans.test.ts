import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

interface CheckJson {
  passed: boolean;
  deny: { rule: string; address: string | null; message: string }[];
  warn: { rule: string }[];
}

const rules = (verdicts: readonly { rule: string }[]) => [...new Set(verdicts.map((v) => v.rule))].sort();

// Our own plans, made by real tofu runs of varied stacks (`npm run fixtures:plans`, see
// scripts/real-plan-stacks.ts): each must get the verdict its stack states beside it.
const OWN = fileURLToPath(new URL("../fixtures/real-plans/", import.meta.url));
const own = readdirSync(OWN)
  .filter((name) => name.endsWith(".plan.json"))
  .sort();

describe("tempgrant check on the project's own real plans", () => {
  it("finds them", () => {
    expect(own.length).toBeGreaterThanOrEqual(6);
  });

  it.each(own)("%s gets the verdict its stack states", async (name) => {
    const expected = JSON.parse(
      readFileSync(join(OWN, name.replace(/\.plan\.json$/, ".expected.json")), "utf8"),
    ) as {
      passed: boolean;
      deny: string[];
      warn: string[];
    };
    const result = await runCli(["check", join(OWN, name), "--format", "json"]);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as CheckJson;
    expect(result.exitCode).toBe(report.passed ? 0 : 1);
    expect({ passed: report.passed, deny: rules(report.deny), warn: rules(report.warn) }).toEqual({
      passed: expected.passed,
      deny: expected.deny,
      warn: expected.warn,
    });
  });
});

// Plans written by other projects, in a corpus kept outside this repository and named by
// TEMPGRANT_EXTRA_PLAN_CORPUS (.ci/run sets it when the corpus is there): every valid one is
// read, privileged resources in them are reported as unmanaged, and the invalid one exits 2.
const corpus = process.env.TEMPGRANT_EXTRA_PLAN_CORPUS ?? "";
const present = corpus !== "" && existsSync(corpus);
const files = present
  ? readdirSync(corpus, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".json"))
      .sort()
  : [];
const SKIPPED = `TEMPGRANT_EXTRA_PLAN_CORPUS ${corpus === "" ? "is not set" : `names no folder (${corpus})`}`;

describe("tempgrant check on real plans from other projects", () => {
  it("finds the corpus", (context) => {
    if (!present) {
      console.log(`[real-plans] the other projects' corpus is skipped: ${SKIPPED}`);
      context.skip(SKIPPED);
    }
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(files.filter((name) => !name.endsWith("invalid.json")))("reads %s", async (name) => {
    const result = await runCli(["check", join(corpus, name), "--format", "json"]);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as CheckJson;
    expect(result.exitCode).toBe(report.passed ? 0 : 1);
    // Nothing here is a grant, so every privileged resource it creates is unmanaged. A bucket
    // counts when its ACL grants are unknown at plan time: they could give anyone access.
    const privileged = /(^|\.)(aws_iam_|google_.*_iam_|aws_s3_bucket_policy|aws_s3_bucket\.)/;
    const unmanaged = report.deny
      .filter((v) => v.rule === "unmanaged/privileged-without-grant")
      .map((v) => v.address);
    expect(unmanaged.every((address) => privileged.test(address ?? ""))).toBe(true);
    if (/iam|bucket_policy/.test(name)) expect(unmanaged.length).toBeGreaterThan(0);
    // A provisioner is code the stack runs: denied on each instance the plan creates or destroys.
    const plan = JSON.parse(readFileSync(join(corpus, name), "utf8")) as Record<string, unknown>;
    const runners = report.deny.filter((v) => v.rule === "unmanaged/runs-code").map((v) => v.address);
    expect(runners).toEqual(provisionedInstances(plan));
    for (const bucket of unmanaged.filter((address) => /(^|\.)aws_s3_bucket\./.test(address ?? ""))) {
      const unknownGrant = report.deny.some(
        (v) =>
          v.rule === "unknown/known-at-plan" &&
          v.address === bucket &&
          /: grant is known only/.test(v.message),
      );
      expect(unknownGrant, `${bucket} is privileged only for its unknown ACL grants`).toBe(true);
    }
  });

  it("rejects the invalid one with exit 2 and one line naming the place", async (context) => {
    if (!present) context.skip(SKIPPED);
    const result = await runCli(["check", join(corpus, "terraform-json", "invalid.json")]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/invalid\.json: is not valid JSON \(.* at line 676, column 29\)/);
  });
});

interface ConfigModule {
  resources?: { address: string; provisioners?: unknown[] }[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}

/** The created, replaced or destroyed instances of configured blocks with provisioners, as the plan lists them. */
function provisionedInstances(plan: Record<string, unknown>): string[] {
  const blocks = new Set<string>();
  const walk = (module: ConfigModule | undefined, path: string) => {
    for (const resource of module?.resources ?? [])
      if ((resource.provisioners ?? []).length > 0) blocks.add(`${path}${resource.address}`);
    for (const [name, call] of Object.entries(module?.module_calls ?? {}))
      walk(call.module, `${path}module.${name}.`);
  };
  walk((plan.configuration as { root_module?: ConfigModule } | undefined)?.root_module, "");
  const changes = (plan.resource_changes ?? []) as { address: string; change: { actions: string[] } }[];
  return changes
    .filter(({ change }) => change.actions.some((action) => action === "create" || action === "delete"))
    .map(({ address }) => address)
    .filter((address) => blocks.has(address.replace(/\[[^\]]*\]/g, "")))
    .sort();
}
