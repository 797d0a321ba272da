// The sweep's reading of a plan: what each of its plans (full, limited, re-plan) costs
// tempgrant once tofu has shown it. `policy input` is what the sweep built before (the
// whole policy input, approvals and digests of every record, scopes, unknowns); `actions`
// is what it builds now (src/plan/plan-actions.ts: actions, owners, deleted records).
// Interleaved run by run on the same plan and machine; prints the median of each.
// Usage: npx tsx bench/sweep-read.ts [--grants 1000,10000] [--runs 5]
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { planActions } from "../src/plan/plan-actions.js";
import { checkPlanShape, toPolicyInput } from "../src/plan/index.js";
import { median } from "./sweep-project.js";
import { syntheticPlan } from "./synthetic-plan.js";

const { values } = parseArgs({
  options: { grants: { type: "string", default: "1000,10000" }, runs: { type: "string", default: "5" } },
});
const sizes = values.grants.split(",").map(Number);
const runs = Number(values.runs);
const now = Date.UTC(2026, 10, 25, 12) / 1000;

process.stdout.write(
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? "?"}, load ${loadavg()
    .map((load) => load.toFixed(2))
    .join(" ")}, node ${process.version}\n`,
);
process.stdout.write("revoked grants | pending creates | policy input (ms) | actions (ms) | ratio\n");
for (const size of sizes) {
  // A sweep's full plan: `size` grants deleted (record and login role each), a tenth as many
  // new grants pending for the next apply.
  const plan = checkPlanShape(syntheticPlan(Math.ceil(size / 10), now, { removals: size }), "synthetic");
  const options = { now, fallbackNow: now };
  // Both read the same plan the same way: checked once here that they agree on what it deletes.
  const deleted = (grants: readonly { action: string }[]) =>
    grants.filter((g) => g.action === "delete").length;
  if (
    deleted(planActions(plan, options).grants) !==
    deleted(toPolicyInput(plan, { ...options, aliases: {} }).grants)
  )
    throw new Error("the two readings disagree on the deletions");
  const times = { input: [] as number[], actions: [] as number[] };
  for (let run = 0; run < runs; run += 1) {
    let start = performance.now();
    toPolicyInput(plan, { ...options, aliases: {} });
    times.input.push(performance.now() - start);
    start = performance.now();
    planActions(plan, options);
    times.actions.push(performance.now() - start);
  }
  const [input, actions] = [median(times.input), median(times.actions)];
  process.stdout.write(
    `${size} | ${Math.ceil(size / 10)} | ${input.toFixed(1)} | ${actions.toFixed(1)} | ${(input / actions).toFixed(2)}x\n`,
  );
}
