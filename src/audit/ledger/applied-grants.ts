import { GRANT_RECORD_MARKER, type GrantRecord } from "../../grant/record.js";
import { formatTimestamp } from "../../grant/time.js";
import type { GrantView, PolicyInput } from "../../plan/policy-input.js";
import type { VerifiedEvidence } from "../../approval/evidence-set.js";
import type { AppliedGrant } from "./entry.js";

const CHANGES = new Set(["create", "update", "delete", "replace"]);

/**
 * The grant records a checked plan changes, for the apply event: taken from the policy input
 * the check already built, so the plan is parsed once. The record after the change; for a
 * delete, the record deleted.
 */
export function appliedGrants(
  input: PolicyInput,
  evidence?: { evidenceOf(grantId: string, digest: string): readonly VerifiedEvidence[] },
): AppliedGrant[] {
  const applied: AppliedGrant[] = [];
  for (const grant of input.grants) {
    if (!CHANGES.has(grant.action)) continue;
    const view = grant.action === "delete" ? grant.before : (grant.after ?? grant.before);
    if (!view) continue;
    const action = grant.action as AppliedGrant["action"];
    const digest = action !== "delete" ? view.digest : null;
    applied.push({
      action,
      record: recordOf(view),
      ...(digest !== null ? { digest, approvals: evidence?.evidenceOf(grant.id, digest) ?? [] } : {}),
    });
  }
  return applied;
}

/** The policy view turned back into the record as written: RFC 3339 times, the marker, no access key. */
function recordOf(view: GrantView): GrantRecord {
  const {
    startsAt,
    expiresAt,
    expiresAtText,
    accessKey: _accessKey,
    principalKey: _principalKey,
    requestedByKey: _requestedByKey,
    approverKeys: _approverKeys,
    approvers: _approvers,
    digest: _digest,
    ...rest
  } = view;
  return {
    tempgrant: GRANT_RECORD_MARKER,
    ...rest,
    ...(startsAt !== null ? { startsAt: formatTimestamp(startsAt) } : {}),
    expiresAt: expiresAtText ?? (expiresAt !== null ? formatTimestamp(expiresAt) : ""),
  };
}
