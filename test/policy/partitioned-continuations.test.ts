import { afterAll, describe, expect, it } from "vitest";
import { checkPlanShape, indexPlan, toPolicyInput } from "../../src/plan/index.js";
import { indexedDocuments } from "../../src/policy/policy-documents.js";
import { loadPolicyEngine, resolveConfig, type PolicyEngine } from "../../src/policy/index.js";
import { continuationPlan } from "../support/varied-plan.js";

// A part carries only the removed grants its own created grants could continue, not every
// removal of the plan (which made the cost the square of the removals). Proved here: grants
// that continue removed ones (renamed, respelled, re-declared with more access), extensions
// and a break-glass chain, each far from what it continues in plan order, give the verdicts
// of one whole evaluation when checked in parts of a few items.
const now = 1_800_000_000;
const config = resolveConfig({ approvals: { allowed: ["*@example.com"] } });
const options = { fallbackNow: now, aliases: config.policy.approvals.aliases };
const count = 14;
const plan = checkPlanShape(continuationPlan(count, now), "continuations");
const engines: PolicyEngine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((engine) => engine.close()));
});

describe("checking in parts a plan whose grants continue others far away", () => {
  it("gives the verdicts of one whole evaluation", async () => {
    const wholeEngine = await loadPolicyEngine(config.policy, undefined, {
      itemsPerPart: Number.POSITIVE_INFINITY,
      helperThreads: 0,
    });
    engines.push(wholeEngine);
    const whole = await wholeEngine.evaluatePlan(indexPlan(plan, options));
    const messages = whole.deny.map((verdict) => verdict.message);
    // Not vacuous: every kind of continuation is denied, each far from what it continues.
    for (let index = 0; index < count; index += 1) {
      expect(messages).toContain(
        `grant new-${index} replaces unexpired grant old-${index} and ends later, without an approval over its new content: renaming does not restart the clock`,
      );
      expect(messages).toContain(
        `grant s-new-${index} replaces unexpired grant s-old-${index} and ends later, without an approval over its new content: renaming does not restart the clock`,
      );
      expect(
        messages.some((message) =>
          message.startsWith(`grant same-${index} widens access read -> write over grant same-${index}`),
        ),
      ).toBe(true);
      expect(messages.some((message) => message.startsWith(`grant extended-${index} moves its expiry`))).toBe(
        true,
      );
    }
    // The chain of 14 one-hour break-glass grants is one window: each names ten others, then the count.
    expect(messages).toContain(
      "break-glass grant glass-13 joins glass-0, glass-1, glass-2, glass-3, glass-4, glass-5, glass-6, glass-7, glass-8, glass-9, and 3 more of oncall@example.com on orders-db into one window of 14h; break-glass is capped at 4h: get it approved",
    );
    for (const itemsPerPart of [3, 7, 40]) {
      const engine = await loadPolicyEngine(config.policy, undefined, { itemsPerPart, helperThreads: 0 });
      engines.push(engine);
      expect([itemsPerPart, await engine.evaluatePlan(indexPlan(plan, options))]).toEqual([
        itemsPerPart,
        whole,
      ]);
      expect([itemsPerPart, await engine.evaluate(toPolicyInput(plan, options))]).toEqual([
        itemsPerPart,
        whole,
      ]);
    }
  });

  it("gives each part only the removed grants its created grants look up", () => {
    const index = indexPlan(plan, options);
    // Four removed per index, three of them unexpired and continued; the fourth, by nobody.
    expect(Object.values(index.removedUnexpired).flat()).toHaveLength(4 * count);
    let carried = 0;
    for (const document of indexedDocuments(index, 5)) {
      const keys = new Set(
        document.grants.flatMap((grant) =>
          grant.action === "create" && grant.after ? [grant.after.accessKey] : [],
        ),
      );
      for (const key of Object.keys(document.removedUnexpired)) expect(keys).toContain(key);
      carried += Object.values(document.removedUnexpired).flat().length;
    }
    // The renamed and the respelled grants each find their one removed predecessor, once.
    expect(carried).toBe(2 * count);
    // One document: the whole map, for a bundle whose rules read it otherwise.
    const [single] = [...indexedDocuments(index)];
    expect(single?.removedUnexpired).toBe(index.removedUnexpired);
  });
});
