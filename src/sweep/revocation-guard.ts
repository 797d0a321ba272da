import type { PlanActions } from "../plan/plan-actions.js";

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
