import type { Grant, GrantSpec } from "./model.js";
import { formatTimestamp } from "./time.js";

/** Marks a `terraform_data` input as a tempgrant grant record, and its version. */
export const GRANT_RECORD_MARKER = "tempgrant.grant-record/v1";

/** The JSON type of a record field: text, true or false, or a list of text. */
export type GrantRecordKind = "string" | "boolean" | "strings";

/**
 * The grant record's fields, defined once: the name each has in the record, the attribute
 * of the provider's `tempgrant_grant` it is written as, its JSON type, and whether it may be
 * absent. The record's type, its reading from and writing to resources, and the plan reader's
 * type checks (src/plan/record-shape.ts) are all derived from this table; the order is the
 * order records and attributes are written in (it decides the synthesized JSON's bytes).
 */
export const GRANT_RECORD_FIELDS = [
  { field: "id", attribute: "grant_id", kind: "string" },
  { field: "principal", attribute: "principal", kind: "string" },
  { field: "target", attribute: "target", kind: "string" },
  { field: "access", attribute: "access", kind: "string" },
  /** RFC 3339 UTC; absent when the grant starts at once. */
  { field: "startsAt", attribute: "starts_at", kind: "string", optional: true },
  /** RFC 3339 UTC. */
  { field: "expiresAt", attribute: "expires_at", kind: "string" },
  { field: "reason", attribute: "reason", kind: "string" },
  { field: "ticket", attribute: "ticket", kind: "string", optional: true },
  { field: "requestedBy", attribute: "requested_by", kind: "string" },
  { field: "approvedBy", attribute: "approved_by", kind: "strings" },
  { field: "breakGlass", attribute: "break_glass", kind: "boolean" },
  /** The target binding's kind, for example `postgresql`. */
  { field: "binding", attribute: "binding", kind: "string" },
  /** Whether the target resources carry a native expiry as a second lock. */
  { field: "nativeExpiry", attribute: "native_expiry", kind: "boolean" },
  /** Addresses of the target resources this grant owns. */
  { field: "resources", attribute: "resources", kind: "strings" },
  /**
   * The grant digest (src/approval/digest.ts) as synthesized, for readers of plans and state.
   * Absent in records written before digests existed. The checker never trusts it: it
   * recomputes the digest from the record's fields and the credential its login role gets.
   */
  { field: "digest", attribute: "digest", kind: "string", optional: true },
] as const satisfies readonly {
  readonly field: string;
  readonly attribute: string;
  readonly kind: GrantRecordKind;
  readonly optional?: true;
}[];

/** One row of {@link GRANT_RECORD_FIELDS}. */
export type GrantRecordField = (typeof GRANT_RECORD_FIELDS)[number];

/** The TypeScript type of each {@link GrantRecordKind}. */
export interface GrantRecordKindTypes {
  readonly string: string;
  readonly boolean: boolean;
  readonly strings: readonly string[];
}

type RequiredField = Exclude<GrantRecordField, { readonly optional: true }>;
type OptionalField = Extract<GrantRecordField, { readonly optional: true }>;

/**
 * The grant record: the `input` of the built-in `terraform_data` resource every active grant
 * synthesized before the provider existed, and the attributes of `tempgrant_grant` since. It
 * is the one shared definition of what plans and state say about a grant: constructs write
 * it, the plan reader and the policies read it, audit diffs compare it, the ledger stores it.
 * Derived from {@link GRANT_RECORD_FIELDS}.
 */
export type GrantRecord = { readonly tempgrant: typeof GRANT_RECORD_MARKER } & {
  readonly [F in RequiredField as F["field"]]: GrantRecordKindTypes[F["kind"]];
} & {
  readonly [F in OptionalField as F["field"]]?: GrantRecordKindTypes[F["kind"]];
};

/** A record field's name (`expiresAt`, ...). */
export type GrantRecordFieldName = GrantRecordField["field"];

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
  const record: Record<string, unknown> = { tempgrant: GRANT_RECORD_MARKER };
  for (const { field, attribute, ...rest } of GRANT_RECORD_FIELDS) {
    const value = v[attribute];
    // The provider writes an unset optional attribute as null; the record leaves it out.
    if ("optional" in rest && (value === null || value === undefined)) continue;
    record[field] = value;
  }
  // Typed as the provider's schema types it; record-shape.ts checks the types of a plan's.
  return record as GrantRecord;
}

/** True for a resource type that can hold a grant record. */
export function isGrantRecordType(type: string): boolean {
  return type === GRANT_RECORD_TYPE || type === LEGACY_GRANT_RECORD_TYPE;
}

/** A record written as the attributes of a `tempgrant_grant` (the inverse of {@link grantRecordOfResource}). */
export function grantRecordAttributes(record: GrantRecord): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const { field, attribute } of GRANT_RECORD_FIELDS) {
    const value = record[field];
    if (value === undefined) continue;
    attributes[attribute] = Array.isArray(value) ? [...(value as readonly string[])] : value;
  }
  return attributes;
}
