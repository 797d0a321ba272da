import { grantRecordOfResource } from "../grant/record.js";
import { indexPlan, summarize } from "./plan-index.js";
import type { PlanJson } from "./plan-json.js";
import type { ChangeAction, PolicyInputOptions, ResourceView } from "./policy-input.js";

/** A grant record's change, as far as a reader of actions needs it. */
export interface GrantAction {
  readonly id: string;
  /** The address of the resource that holds the record. */
  readonly address: string;
  readonly action: ChangeAction;
  /**
   * The record before the change; null for a new record. {@link planActions} gives the record
   * as the plan wrote it (what a sweep's ledger event stores of a deleted one); the policy
   * input, read the same way, holds its view of it.
   */
  readonly before: { readonly id: string; readonly resources: readonly string[] } | null;
}

/** A resource change, as far as a reader of actions needs it. */
export type ResourceAction = Pick<ResourceView, "address" | "action" | "owner">;

/**
 * What a plan does, without what only the policies read (approvals, digests of kept grants,
 * scopes, unknowns, drift): the sweep's selection and its revocation-only guard read this.
 * The policy input has this shape too, so what reads actions reads either.
 */
export interface PlanActions {
  readonly grants: readonly GrantAction[];
  readonly resources: readonly ResourceAction[];
}

/** A plan's actions: each record's change and each resource change, with the grant that owns it. */
export function planActions(
  plan: PlanJson,
  options: Pick<PolicyInputOptions, "now" | "fallbackNow" | "privilegedTypes">,
): PlanActions {
  // No names to fold: only the policies compare people.
  const index = indexPlan(plan, { ...options, aliases: {} });
  return {
    grants: index.records.map(({ change, id }) => ({
      id,
      address: change.address,
      action: summarize(change.change.actions),
      before: grantRecordOfResource(change.type, change.change.before) ?? null,
    })),
    resources: index.resources.map((change) => ({
      address: change.address,
      action: summarize(change.change.actions),
      owner: index.ownerOf.get(change.address) ?? null,
    })),
  };
}
