import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planActions, type PlanActions } from "./plan-actions.js";
import { toPolicyInput } from "./policy-input.js";
import { readPlanFile } from "./read-plan.js";
import { writtenRecords } from "./written-records.js";

const PLANS = join(import.meta.dirname, "../../test/fixtures/real-plans");

/** What a sweep reads of a plan's actions (the policy input has the same shape). */
function comparable(actions: PlanActions) {
  return {
    grants: actions.grants.map(({ id, address, action, before }) => ({
      id,
      address,
      action,
      before: before && { id: before.id, resources: before.resources },
    })),
    resources: actions.resources.map(({ address, action, owner }) => ({ address, action, owner })),
  };
}

describe("planActions", () => {
  const plans = readdirSync(PLANS).filter((name) => name.endsWith(".plan.json"));

  it.each(plans)("reads the same actions, owners and deleted records as the policy input: %s", (name) => {
    const contents = readPlanFile(join(PLANS, name));
    if (contents.kind !== "json") throw new Error(`${name} is not JSON`);
    const options = { fallbackNow: 1_800_000_000 };
    expect(comparable(planActions(contents.plan, options))).toEqual(
      comparable(toPolicyInput(contents.plan, { ...options, aliases: {} })),
    );
  });

  it.each(plans)("gives each record before its change as the plan wrote it: %s", (name) => {
    const contents = readPlanFile(join(PLANS, name));
    if (contents.kind !== "json") throw new Error(`${name} is not JSON`);
    const written = writtenRecords(contents.plan);
    for (const grant of planActions(contents.plan, { fallbackNow: 1_800_000_000 }).grants) {
      // What a sweep event stores of a deleted record (ledger event version 2).
      expect(grant.before).toEqual(written.get(grant.address)?.before ?? null);
    }
  });

  it("covers deletions and records kept in the state among the fixtures", () => {
    const all = plans.flatMap((name) => {
      const contents = readPlanFile(join(PLANS, name));
      return contents.kind === "json" ? planActions(contents.plan, { fallbackNow: 0 }).grants : [];
    });
    expect(all.some((grant) => grant.action === "delete")).toBe(true);
    expect(all.some((grant) => grant.action !== "delete" && grant.before !== null)).toBe(true);
  });
});
