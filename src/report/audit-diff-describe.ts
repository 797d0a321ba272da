import type { FieldChange, GrantDiff, SnapshotInfo, UnmanagedChange } from "../audit/diff/audit-diff.js";
import type { RecordedGrant } from "../audit/diff/grant-records.js";

/** Wording shared by the audit diff formats, so text, markdown and csv say the same thing. */

const KIND_LABELS: Record<SnapshotInfo["kind"], string> = {
  state: "state",
  "raw-state": "raw state",
  "plan-prior": "plan: prior state",
  "plan-planned": "plan: planned values",
};

/** `after.tfstate (raw state, serial 7)`; `source` dresses the file name (as code in markdown). */
export function sideLabel(side: SnapshotInfo, source: (path: string) => string = (path) => path): string {
  const serial = side.serial !== undefined ? `, serial ${side.serial}` : "";
  return `${source(side.source)} (${KIND_LABELS[side.kind]}${serial})`;
}

/** The record that describes a grant now: the one after, or the removed one. */
export function describedRecord(grant: GrantDiff): RecordedGrant {
  const record = grant.after ?? grant.before;
  if (!record) throw new Error(`grant ${grant.id} has neither side`);
  return record;
}

/** `until 2027-01-11T14:00:00Z`, or `2027-01-11T10:00:00Z to 2027-01-11T14:00:00Z`. */
export function windowText(record: RecordedGrant): string {
  const end = record.expiresAt ?? "(no expiry)";
  return record.startsAt ? `${record.startsAt} to ${end}` : `until ${end}`;
}

/** `expiresAt 2027-01-11T12:00:00Z -> 2027-01-11T15:00:00Z (extended)`. */
export function fieldChangeText(change: FieldChange, arrow = "->"): string {
  const show = (value: string | null) => (value === null || value === "" ? "(none)" : value);
  return `${change.field} ${show(change.before)} ${arrow} ${show(change.after)} (${change.effect})`;
}

/** `widened, extended`. */
export function kindsText(grant: GrantDiff, separator = ", "): string {
  return grant.kinds.join(separator);
}

/** Why an unmanaged change is flagged, in words. */
export function unmanagedText(change: UnmanagedChange): string {
  const before = change.formerOwner ? `; grant ${change.formerOwner} owned it before` : "";
  switch (change.action) {
    case "added":
      return "added, no grant record owns it";
    case "removed":
      return "removed, no grant record owned it";
    case "changed":
      return `changed (${change.attributes.join(", ")}), no grant record owns it${before}`;
    case "orphaned":
      return `left behind: grant ${change.formerOwner ?? "?"} owned it before, no grant record owns it now`;
  }
}
