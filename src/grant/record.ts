import type { Grant, GrantSpec } from "./model.js";
import { formatTimestamp } from "./time.js";

/** Marks a `terraform_data` input as a tempgrant grant record, and its version. */
export const GRANT_RECORD_MARKER = "tempgrant.grant-record/v1";

/**
 * The grant record: the `input` of the built-in `terraform_data` resource every active grant
 * synthesizes. It is the one shared definition of what plans and state say about a grant:
 * constructs write it, the plan reader and the policies read it, audit diffs compare it.
 */
export interface GrantRecord {
  readonly tempgrant: typeof GRANT_RECORD_MARKER;
  readonly id: string;
  readonly principal: string;
  readonly target: string;
  readonly access: string;
  /** RFC 3339 UTC; absent when the grant starts at once. */
  readonly startsAt?: string;
  /** RFC 3339 UTC. */
  readonly expiresAt: string;
  readonly reason: string;
  readonly ticket?: string;
  readonly requestedBy: string;
  readonly approvedBy: readonly string[];
  readonly breakGlass: boolean;
  /** The target binding's kind, for example `postgresql`. */
  readonly binding: string;
  /** Whether the target resources carry a native expiry as a second lock. */
  readonly nativeExpiry: boolean;
  /** Addresses of the target resources this grant owns. */
  readonly resources: readonly string[];
  /**
   * The grant digest (src/approval/digest.ts) as synthesized, for readers of plans and state.
   * Absent in records written before digests existed. The checker never trusts it: it
   * recomputes the digest from the record's fields and the credential its login role gets.
   */
  readonly digest?: string;
}

/** Builds the record of a grant and the target resources it owns. */
export function grantRecord(
  grant: Grant,
  binding: { readonly kind: string; readonly nativeExpiry: boolean },
  resources: readonly string[],
  digest: string,
): GrantRecord {
  return {
    tempgrant: GRANT_RECORD_MARKER,
    ...specOf(grant),
    binding: binding.kind,
    nativeExpiry: binding.nativeExpiry,
    resources,
    digest,
  };
}

/** True when a value (a `terraform_data` input from a plan or state) is a grant record. */
export function isGrantRecord(value: unknown): value is GrantRecord {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { tempgrant?: unknown }).tempgrant === GRANT_RECORD_MARKER
  );
}

/** A validated grant written back as a spec, timestamps in RFC 3339 UTC (the credential left out). */
export function specOf(grant: Grant): GrantSpec & { approvedBy: readonly string[]; breakGlass: boolean } {
  return {
    id: grant.id,
    principal: grant.principal,
    target: grant.target,
    access: grant.access,
    ...(grant.startsAt !== undefined ? { startsAt: formatTimestamp(grant.startsAt) } : {}),
    expiresAt: formatTimestamp(grant.expiresAt),
    reason: grant.reason,
    ...(grant.ticket !== undefined ? { ticket: grant.ticket } : {}),
    requestedBy: grant.requestedBy,
    approvedBy: [...grant.approvedBy],
    breakGlass: grant.breakGlass,
  };
}

/** The provider resource type that holds a grant record (tempgrant/tempgrant provider). */
export const GRANT_RECORD_TYPE = "tempgrant_grant";

/** The built-in type that held records before the provider existed; still read from old states. */
export const LEGACY_GRANT_RECORD_TYPE = "terraform_data";

/**
 * The grant record a resource's values carry, whatever type holds it: the provider's
 * `tempgrant_grant` (typed, snake_case attributes) or a legacy `terraform_data` whose input is
 * the record. The one place that knows where a record lives; undefined when there is none.
 */
export function grantRecordOfResource(type: string, values: unknown): GrantRecord | undefined {
  if (typeof values !== "object" || values === null) return undefined;
  if (type === LEGACY_GRANT_RECORD_TYPE) {
    const input = (values as { input?: unknown }).input;
    return isGrantRecord(input) ? input : undefined;
  }
  if (type !== GRANT_RECORD_TYPE) return undefined;
  const v = values as Readonly<Record<string, unknown>>;
  return {
    tempgrant: GRANT_RECORD_MARKER,
    id: v.grant_id as string,
    principal: v.principal as string,
    target: v.target as string,
    access: v.access as string,
    ...(v.starts_at !== null && v.starts_at !== undefined ? { startsAt: v.starts_at as string } : {}),
    expiresAt: v.expires_at as string,
    reason: v.reason as string,
    ...(v.ticket !== null && v.ticket !== undefined ? { ticket: v.ticket as string } : {}),
    requestedBy: v.requested_by as string,
    approvedBy: v.approved_by as readonly string[],
    breakGlass: v.break_glass as boolean,
    binding: v.binding as string,
    nativeExpiry: v.native_expiry as boolean,
    resources: v.resources as readonly string[],
    ...(v.digest !== null && v.digest !== undefined ? { digest: v.digest as string } : {}),
  };
}

/** True for a resource type that can hold a grant record. */
export function isGrantRecordType(type: string): boolean {
  return type === GRANT_RECORD_TYPE || type === LEGACY_GRANT_RECORD_TYPE;
}

/** A record written as the attributes of a `tempgrant_grant` (the inverse of {@link grantRecordOfResource}). */
export function grantRecordAttributes(record: GrantRecord): Record<string, unknown> {
  return {
    grant_id: record.id,
    principal: record.principal,
    target: record.target,
    access: record.access,
    ...(record.startsAt !== undefined ? { starts_at: record.startsAt } : {}),
    expires_at: record.expiresAt,
    reason: record.reason,
    ...(record.ticket !== undefined ? { ticket: record.ticket } : {}),
    requested_by: record.requestedBy,
    approved_by: [...record.approvedBy],
    break_glass: record.breakGlass,
    binding: record.binding,
    native_expiry: record.nativeExpiry,
    resources: [...record.resources],
    ...(record.digest !== undefined ? { digest: record.digest } : {}),
  };
}
