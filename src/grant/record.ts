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
}

/** Builds the record of a grant and the target resources it owns. */
export function grantRecord(
  grant: Grant,
  binding: { readonly kind: string; readonly nativeExpiry: boolean },
  resources: readonly string[],
): GrantRecord {
  return {
    tempgrant: GRANT_RECORD_MARKER,
    ...specOf(grant),
    binding: binding.kind,
    nativeExpiry: binding.nativeExpiry,
    resources,
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
