import {
  GRANT_RECORD_FIELDS,
  grantRecordOfResource,
  type GrantRecordField,
  type GrantRecordKindTypes,
} from "../../grant/record.js";
import type { Snapshot } from "./snapshot.js";

/** Text fields a record may lack: null here (no start: at once; no expiry: never written by tempgrant). */
const NULLABLE_TEXT = ["startsAt", "expiresAt", "ticket"] as const;

/** The record's fields an audit compares and prints: all but the synthesized digest (recomputed, never trusted). */
type AuditedField = Exclude<GrantRecordField, { readonly field: "digest" }>;

/**
 * A grant record found in a snapshot, every field present and of one type, so a record
 * written by an older or hand-edited stack still compares and prints instead of crashing the
 * audit: the record's own fields (src/grant/record.ts), with the address that holds it.
 */
export type RecordedGrant = {
  /** Address of the resource that holds the record. */
  readonly address: string;
} & {
  readonly [F in AuditedField as F["field"]]: F["field"] extends (typeof NULLABLE_TEXT)[number]
    ? string | null
    : GrantRecordKindTypes[F["kind"]];
};

const AUDITED_FIELDS = GRANT_RECORD_FIELDS.filter((entry) => entry.field !== "digest");
const nullable = new Set<string>(NULLABLE_TEXT);

/** The grant records of a snapshot, in file order. */
export function grantRecordsOf(snapshot: Snapshot): RecordedGrant[] {
  const records: RecordedGrant[] = [];
  for (const resource of snapshot.resources) {
    const input = grantRecordOfResource(resource.type, resource.values);
    if (!input) continue;
    const raw = input as unknown as Record<string, unknown>;
    const recorded: Record<string, unknown> = { address: resource.address };
    for (const { field, kind } of AUDITED_FIELDS) {
      const value = raw[field];
      if (kind === "boolean") recorded[field] = value === true;
      else if (kind === "strings") recorded[field] = texts(value);
      else if (nullable.has(field)) recorded[field] = text(value);
      else recorded[field] = text(value) ?? (field === "id" ? resource.address : "");
    }
    records.push(recorded as RecordedGrant);
  }
  return records;
}

function text(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text).filter((item): item is string => item !== null) : [];
}
