import type { PolicyInput } from "../../plan/policy-input.js";
import type { WrittenRecordSides } from "../../plan/written-records.js";
import type { VerifiedEvidence } from "../../approval/evidence-set.js";
import type { AppliedGrant } from "./entry.js";

const CHANGES = new Set(["create", "update", "delete", "replace"]);

/**
 * The grant records a checked plan changes, for the apply event: which changed and their
 * digests from the policy input the check already built (the plan is parsed once), each
 * record as the plan wrote it (`records`, by address): after the change, or for a delete
 * the record deleted.
 */
export function appliedGrants(
  input: PolicyInput,
  records: ReadonlyMap<string, WrittenRecordSides>,
  evidence?: { evidenceOf(grantId: string, digest: string): readonly VerifiedEvidence[] },
): AppliedGrant[] {
  const applied: AppliedGrant[] = [];
  for (const grant of input.grants) {
    if (!CHANGES.has(grant.action)) continue;
    const written = records.get(grant.address);
    const view = grant.action === "delete" ? grant.before : (grant.after ?? grant.before);
    const record = grant.action === "delete" ? written?.before : (written?.after ?? written?.before);
    if (!view || !record) continue;
    const action = grant.action as AppliedGrant["action"];
    const digest = action !== "delete" ? view.digest : null;
    applied.push({
      action,
      record,
      ...(digest !== null ? { digest, approvals: evidence?.evidenceOf(grant.id, digest) ?? [] } : {}),
    });
  }
  return applied;
}
