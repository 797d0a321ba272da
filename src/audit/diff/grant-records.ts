import { grantRecordOfResource } from "../../grant/record.js";
import type { Snapshot } from "./snapshot.js";

/**
 * A grant record found in a snapshot (the `input` of a `terraform_data`), every field
 * present and of one type, so a record written by an older or hand-edited stack still
 * compares and prints instead of crashing the audit.
 */
export interface RecordedGrant {
  /** Address of the `terraform_data` that holds the record. */
  readonly address: string;
  readonly id: string;
  readonly principal: string;
  readonly target: string;
  readonly access: string;
  /** RFC 3339 as written; null when the grant starts at once. */
  readonly startsAt: string | null;
  /** RFC 3339 as written; null when the record has none (never written by tempgrant). */
  readonly expiresAt: string | null;
  readonly reason: string;
  readonly ticket: string | null;
  readonly requestedBy: string;
  readonly approvedBy: readonly string[];
  readonly breakGlass: boolean;
  readonly binding: string;
  readonly nativeExpiry: boolean;
  /** Addresses of the target resources the grant owns. */
  readonly resources: readonly string[];
}

/** The grant records of a snapshot, in file order. */
export function grantRecordsOf(snapshot: Snapshot): RecordedGrant[] {
  const records: RecordedGrant[] = [];
  for (const resource of snapshot.resources) {
    const input = grantRecordOfResource(resource.type, resource.values);
    if (!input) continue;
    const raw = input as unknown as Record<string, unknown>;
    records.push({
      address: resource.address,
      id: text(raw.id) ?? resource.address,
      principal: text(raw.principal) ?? "",
      target: text(raw.target) ?? "",
      access: text(raw.access) ?? "",
      startsAt: text(raw.startsAt),
      expiresAt: text(raw.expiresAt),
      reason: text(raw.reason) ?? "",
      ticket: text(raw.ticket),
      requestedBy: text(raw.requestedBy) ?? "",
      approvedBy: texts(raw.approvedBy),
      breakGlass: raw.breakGlass === true,
      binding: text(raw.binding) ?? "",
      nativeExpiry: raw.nativeExpiry === true,
      resources: texts(raw.resources),
    });
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
