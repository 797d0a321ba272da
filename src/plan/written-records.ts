import { grantRecordOfResource, isGrantRecordType, type GrantRecord } from "../grant/record.js";
import type { PlanJson } from "./plan-json.js";

/** A grant record's two sides in a plan, as written in the plan (never a view of them). */
export interface WrittenRecordSides {
  readonly before?: GrantRecord;
  readonly after?: GrantRecord;
}

/**
 * The grant records a plan changes, as written, by the address that holds each: what the
 * ledger stores of an applied grant (src/audit/ledger/applied-grants.ts), so that it never
 * has to turn the policy's view of a record back into one.
 */
export function writtenRecords(plan: PlanJson): ReadonlyMap<string, WrittenRecordSides> {
  const records = new Map<string, WrittenRecordSides>();
  for (const change of plan.resource_changes ?? []) {
    if ((change.mode ?? "managed") !== "managed" || !isGrantRecordType(change.type)) continue;
    const before = grantRecordOfResource(change.type, change.change.before);
    const after = grantRecordOfResource(change.type, change.change.after);
    if (!before && !after) continue;
    records.set(change.address, { ...(before ? { before } : {}), ...(after ? { after } : {}) });
  }
  return records;
}
