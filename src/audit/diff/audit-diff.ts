import type { RecordedGrant } from "./grant-records.js";
import type { SnapshotKind } from "./snapshot.js";

/**
 * The result of `tempgrant audit diff`: what happened to each grant between two snapshots,
 * and the privileged resources that changed with no grant record owning them. Formatters
 * (src/report/audit-diff-*.ts) only render it; the CLI picks the exit code from it.
 */
export interface AuditDiff {
  readonly before: SnapshotInfo;
  readonly after: SnapshotInfo;
  /** Added, then removed, then changed grants; by id within each. */
  readonly grants: readonly GrantDiff[];
  /** Grants present on both sides with the same record. */
  readonly unchanged: number;
  /** Privileged resources changed outside any grant: flagged. */
  readonly unmanaged: readonly UnmanagedChange[];
}

/** Where one side came from. */
export interface SnapshotInfo {
  readonly source: string;
  readonly kind: SnapshotKind;
  readonly serial?: number;
}

/**
 * What a change did to a grant. `extended`: its window grew (expires later, or starts
 * earlier); `narrowed`: its window shrank, or its access or resources were reduced;
 * `widened`: more access (a higher or unknown level), another target or principal, or more
 * resources; `metadata`: anything else (reason, ticket, requester, approvers, break-glass).
 */
export type ChangeEffect = "extended" | "narrowed" | "widened" | "metadata";

/** How a grant differs: added, removed, or the effects of its field changes. */
export type GrantChangeKind = "added" | "removed" | ChangeEffect;

/** The order effects are listed in: what most needs an auditor's eye first. */
export const EFFECT_ORDER: readonly ChangeEffect[] = ["widened", "extended", "narrowed", "metadata"];

/** One grant that differs between the two sides. */
export interface GrantDiff {
  readonly id: string;
  /** `added` or `removed`, or the effects of the field changes in {@link EFFECT_ORDER}. */
  readonly kinds: readonly GrantChangeKind[];
  readonly before: RecordedGrant | null;
  readonly after: RecordedGrant | null;
  /** For a changed grant, each field that differs (empty for added and removed). */
  readonly fields: readonly FieldChange[];
}

/** One field of a grant record that differs, both values rendered as text (null: absent). */
export interface FieldChange {
  readonly field: GrantField;
  readonly before: string | null;
  readonly after: string | null;
  readonly effect: ChangeEffect;
}

/** The grant record fields a diff compares. */
export type GrantField =
  | "principal"
  | "target"
  | "access"
  | "startsAt"
  | "expiresAt"
  | "resources"
  | "reason"
  | "ticket"
  | "requestedBy"
  | "approvedBy"
  | "breakGlass"
  | "binding"
  | "nativeExpiry";

/**
 * What happened to a privileged resource that no grant record owns: `added`, `changed`
 * (attribute values differ), `removed`, or `orphaned` (unchanged, but the record that owned
 * it is gone or no longer lists it: standing access left behind).
 */
export type UnmanagedAction = "added" | "changed" | "removed" | "orphaned";

/** A privileged resource changed outside any grant. */
export interface UnmanagedChange {
  readonly address: string;
  readonly type: string;
  readonly action: UnmanagedAction;
  /** For `changed`, the top-level attributes whose values differ. */
  readonly attributes: readonly string[];
  /** The grant whose record owned it on the before side, when none owns it after. */
  readonly formerOwner: string | null;
}

/** The counts every format prints. A changed grant counts once under each of its effects. */
export interface DiffSummary {
  readonly added: number;
  readonly removed: number;
  readonly extended: number;
  readonly narrowed: number;
  readonly widened: number;
  readonly metadata: number;
  readonly unchanged: number;
  readonly unmanaged: number;
}

/** Counts the grants of a diff by kind. */
export function summarizeDiff(diff: AuditDiff): DiffSummary {
  const count = (kind: GrantChangeKind) => diff.grants.filter((grant) => grant.kinds.includes(kind)).length;
  return {
    added: count("added"),
    removed: count("removed"),
    extended: count("extended"),
    narrowed: count("narrowed"),
    widened: count("widened"),
    metadata: count("metadata"),
    unchanged: diff.unchanged,
    unmanaged: diff.unmanaged.length,
  };
}
