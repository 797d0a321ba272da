import { TempgrantError } from "../errors.js";
import { sha256File } from "../exec/sha256-file.js";
import type { PlanActions } from "../plan/plan-actions.js";

/**
 * The sha256 of a revocation plan that passes the guard, for the ledger; a plan that does
 * anything but revoke the given addresses stops the sweep (SWEEP_GUARD), nothing applied.
 */
export function guardedRevocationPlan(
  stack: string,
  plan: { readonly actions: PlanActions; readonly planFile: string },
  allowed: ReadonlySet<string>,
): string {
  const problems = revocationOnlyProblems(plan.actions, allowed);
  if (problems.length > 0) {
    throw new TempgrantError(
      "SWEEP_GUARD",
      `sweep ${stack}: the revocation plan is not revocation-only, nothing applied:\n${problems.join("\n")}`,
    );
  }
  return sha256File(plan.planFile);
}

/**
 * The revocation-only guard: a sweep may apply a plan only when every change in it deletes
 * a resource it selected for revocation. Anything else (a create, an update, a replace, a
 * deletion of something not selected) is listed, and the plan is not applied.
 */
export function revocationOnlyProblems(plan: PlanActions, allowed: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const resource of plan.resources) {
    if (resource.action === "no-op" || resource.action === "read") continue;
    if (resource.action !== "delete") {
      problems.push(`${resource.address}: ${resource.action} is not a revocation`);
    } else if (!allowed.has(resource.address)) {
      problems.push(`${resource.address}: deletes something no revoked grant owns`);
    }
  }
  return problems;
}
