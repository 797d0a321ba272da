import type { GrantRecord } from "../grant/record.js";
import type { RemovedBlock } from "./code-runners.js";
import { indexPlan } from "./plan-index.js";
import type { PlanJson } from "./plan-json.js";
import type { GrantedScope } from "./scope.js";

/** A change's actions, summarized. `replace` is delete+create in either order. */
export type ChangeAction = "create" | "update" | "delete" | "replace" | "no-op" | "read" | "forget";

/** A grant record as the policy sees it: timestamps as epoch seconds (null when unknown or invalid). */
export interface GrantView extends Omit<GrantRecord, "startsAt" | "expiresAt" | "tempgrant" | "digest"> {
  readonly startsAt: number | null;
  readonly expiresAt: number | null;
  /** The expiry as written in the record, for messages. */
  readonly expiresAtText: string | null;
  /**
   * `principal|target|access`, the principal folded (case, blanks, aliases): the policies match
   * a created grant with a removed one by it. Folded here, once, for both sides, because
   * JavaScript and OPA fold Unicode differently ("İ" lower-cases to "i̇" in one, "i" in the other).
   */
  readonly accessKey: string;
  /** The principal, folded the same way (case, blanks, aliases). */
  readonly principalKey: string;
  /** The requester, folded. */
  readonly requestedByKey: string;
  /**
   * The people whose approval evidence verifies over this record's current digest (signatures,
   * pull-request reviews), as the allowed-signers file or the identity table names them.
   * Empty for the removed side of a change: old approvals are for old content. `approvedBy`
   * is only whom the requester asked.
   */
  readonly approvers: readonly string[];
  /**
   * The verified approvers' identity keys, in the order of `approvers`: folded, and one key
   * for names that look alike (UTS #39 skeleton), for self-approval and approver counting.
   */
  readonly approverKeys: readonly string[];
  /** The grant digest recomputed from the record's fields and its credential; null when unreadable. */
  readonly digest: string | null;
  /** The reason's length as a reader counts it (combining marks left out), when not plain ASCII. */
  readonly reasonLength?: number;
}

/** Why a person's approval of a grant does not count. */
export interface EvidenceProblem {
  readonly person: string;
  readonly reason: string;
}

/** Verified approvers of a planned record, and why each other person does not count. */
export interface ApprovalResult {
  readonly approvers: readonly string[];
  readonly problems: readonly EvidenceProblem[];
}

/**
 * The approval evidence a check has (src/approval/evidence-set.ts): asked once per planned
 * record, with the digest recomputed from the record.
 */
export interface ApprovalCheck {
  /** Every person the evidence can name, so that look-alikes of them fold with the plan's names. */
  readonly people: readonly string[];
  check(grantId: string, digest: string | null, requested: readonly unknown[]): ApprovalResult;
  /** Starts, on other threads, the work {@link check} will do for this grant and digest (it must give the same result either way). */
  verifyAhead?(grantId: string, digest: string | null): void;
}

/** A text field of a planned record that a reviewer cannot read as it is compared. */
export interface RecordTextProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * A grant record's change in the plan. The fields marked optional are left out when they hold
 * their default (empty, null, or for approverNames equal to the approver keys), so the input
 * is no larger than before for the grants that have none; the policies read them with object.get.
 */
export interface GrantChange {
  readonly address: string;
  readonly id: string;
  readonly action: ChangeAction;
  readonly before: GrantView | null;
  readonly after: GrantView | null;
  /** True when the planned record's input (or its expiry) is only known after apply. */
  readonly unknownExpiry: boolean;
  /** The record's attributes (as the plan names them) known only after apply; `*` for the whole record. */
  readonly unknown?: readonly string[];
  /**
   * The planned record's verified approvers folded (NFKC, case, blanks, aliases) but readable,
   * in the order of `after.approvers`: what the allowed-approver globs match (never the
   * look-alike keys).
   */
  readonly approverNames?: readonly string[];
  /** Why each person named in approvedBy or in evidence for this grant does not count; left out when none. */
  readonly evidenceProblems?: readonly EvidenceProblem[];
  /** Addresses the planned record lists that this plan does not hold for its grant alone. */
  readonly missingResources?: readonly string[];
  /**
   * Addresses the record listed before the plan that stay after it with no live record
   * listing them (not destroyed, not replaced): access that would outlive its grant.
   */
  readonly leftBehind?: readonly string[];
  /** Invisible characters, blank or glob names in the planned record's text fields. */
  readonly textProblems?: readonly RecordTextProblem[];
  /**
   * What this change widens over the grant it continues (its own previous record, or a
   * removed record with the same id, or an unexpired removed one of the same person on the
   * same target), besides a later expiry: principal, target, access, id, start, resources.
   */
  readonly widens?: readonly string[];
  /** The grant it continues, for the fresh-approval check; null for a new grant. */
  readonly predecessor?: {
    readonly id: string;
    readonly approverKeys: readonly string[];
    readonly digest: string | null;
  } | null;
  /**
   * For a break-glass grant that overlaps or follows another break-glass grant of the same
   * person on the same target in this plan: the seconds of their joined window, and the
   * other grants' ids (the first ten, then `and N more`: each grant of a long window does
   * not carry all the others). Null and empty otherwise.
   */
  readonly breakGlassSpan?: number | null;
  readonly breakGlassWith?: readonly string[];
  /**
   * When that window holds a break-glass grant already running with no recorded start (it
   * may have used its whole cap): how many seconds the window ends after it, and its id.
   */
  readonly breakGlassBeyond?: { readonly seconds: number; readonly id: string };
  /** The resource changes this grant owns, grouped here so policies never scan all resources per grant. */
  readonly owned: readonly ResourceView[];
}

/** One resource change, as the policy sees it. */
export interface ResourceView {
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  /** The id of the grant record that lists this address; null for none. */
  readonly owner: string | null;
  readonly privileged: boolean;
  /** Attribute paths whose planned value is unknown until apply. */
  readonly unknown: readonly string[];
  /** For a privileged resource, those of {@link unknown} that decide access (not `id`, `arn`, `oid`, ...). */
  readonly unknownAccess?: readonly string[];
  /** The address a `moved` block took it from; null when it did not move. */
  readonly previousAddress?: string | null;
  /** The ids of live grant records (not being deleted) that list this address; only when more than one. */
  readonly claimedBy?: readonly string[];
  /** For a privileged resource changed in place: what the change adds to its access. */
  readonly widened?: readonly string[];
  /**
   * For a resource a grant owns (not being deleted): who it gives its access to, as its
   * target reads it (PlanReaders.grantees). Left out when the type names no grantee.
   */
  readonly grantees?: readonly string[];
  /**
   * What the resource's block runs with the pipeline's rights, when this plan runs it: its
   * provisioners (created or destroyed), or the program of a data source read during the plan.
   */
  readonly runsCode?: string;
  /** The expiry the target enforces by itself (epoch seconds), when it has one. */
  readonly nativeExpiry: number | null;
  /** Whether this type can carry a native expiry that tempgrant reads (role VALID UNTIL, IAM conditions). */
  readonly expiryBearing: boolean;
  readonly scope: GrantedScope;
  /**
   * Attributes changed outside Terraform since the last apply (the plan's resource_drift),
   * for privileged resources: a SUPERUSER or a VALID UNTIL set by hand. Empty when none.
   */
  readonly drift: readonly string[];
}

/** The compact input every policy evaluates. */
export interface PolicyInput {
  /** The instant the checks are made at (epoch seconds). */
  readonly now: number;
  readonly grants: readonly GrantChange[];
  readonly resources: readonly ResourceView[];
  /**
   * Unexpired grants this plan removes, by access key (`principal|target|access`,
   * principal folded like approver names), so a rename that restarts the clock is found by lookup.
   * A part of a plan checked in parts holds only the keys of its own created grants.
   */
  readonly removedUnexpired: Readonly<Record<string, readonly Omit<GrantChange, "owned">[]>>;
}

/** Options of {@link toPolicyInput}. */
export interface PolicyInputOptions {
  /**
   * The configuration's `removed` blocks with provisioners (check/removed-blocks.ts reads them
   * from a synthesized stack): the plan JSON holds neither, yet they run when it destroys.
   */
  readonly removedBlocks?: readonly RemovedBlock[];
  /** Overrides the plan's own timestamp (`--now`). */
  readonly now?: number;
  /** Used when neither `now` nor the plan's timestamp is there (older Terraform). */
  readonly fallbackNow: number;
  /** Globs of privileged resource types; default {@link DEFAULT_PRIVILEGED_TYPES}. */
  readonly privilegedTypes?: readonly string[];
  /**
   * Other spellings of people (lower case), folded into one name in access keys. Required:
   * a caller that forgot them would let a rename under another spelling restart a clock.
   */
  readonly aliases: Readonly<Record<string, string>>;
  /**
   * The approval evidence. Without it no one's approval verifies: every name in approvedBy is
   * denied for want of evidence (fail closed), as for a plan checked away from its project.
   */
  readonly approvals?: ApprovalCheck;
}

/** Turns a plan into the policy input: grant records, resource changes, owners, unknowns. */
export function toPolicyInput(plan: PlanJson, options: PolicyInputOptions): PolicyInput {
  const index = indexPlan(plan, options);
  const views = new Map(index.resources.map((change) => [change, index.resourceView(change)]));
  // Records that share an id share one list, as they share their resources' owner.
  const owned = new Map(
    [...index.ownedBy].map(([id, changes]) => [id, changes.map((change) => views.get(change)!)]),
  );
  return {
    now: index.now,
    grants: index.records.map((record) => ({
      ...index.recordChange(record.change),
      owned: owned.get(record.id) ?? [],
    })),
    resources: index.resources.map((change) => views.get(change)!),
    removedUnexpired: index.removedUnexpired,
  };
}
