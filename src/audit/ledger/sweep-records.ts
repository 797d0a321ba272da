import {
  GRANT_RECORD_FIELDS,
  GRANT_RECORD_MARKER,
  isGrantRecord,
  type GrantRecord,
} from "../../grant/record.js";
import { formatTimestamp } from "../../grant/time.js";
import { eventVersion } from "./entry.js";

/**
 * The record a sweep event stores of a revoked grant (`revoked[].record`), in the shape apply
 * events store, whatever version wrote it; null when the event holds none.
 *
 * Version 2 stores the record as written. Version 1 stored it so too for a sweep from the
 * state (degraded, fast path) and for a leftover remembered from an apply event, but a full
 * sweep stored the policy's view of it: timestamps as epoch seconds (`startsAt` null when
 * absent), the expiry's text as `expiresAtText`, folded keys and approvers added, no
 * `tempgrant` marker, and the digest recomputed by the check in place of the record's own.
 * Such a view is turned back into the record's fields: the expiry as written, the start as
 * RFC 3339 UTC, the folded keys dropped, and no `digest` (the view never held the record's).
 */
export function revokedRecord(event: object, record: unknown): GrantRecord | null {
  if (isGrantRecord(record)) return record;
  if (eventVersion(event) !== 1 || !isPolicyView(record)) return null;
  const written: Record<string, unknown> = { tempgrant: GRANT_RECORD_MARKER };
  for (const { field } of GRANT_RECORD_FIELDS) {
    if (field === "digest") continue;
    const value = field === "startsAt" || field === "expiresAt" ? timestampOf(record, field) : record[field];
    if (value !== undefined && value !== null) written[field] = value;
  }
  return written as GrantRecord;
}

/** A version-1 full sweep's record: a policy view (its expiry in epoch seconds, with its text). */
function isPolicyView(record: unknown): record is Readonly<Record<string, unknown>> {
  if (typeof record !== "object" || record === null) return false;
  const view = record as Readonly<Record<string, unknown>>;
  return typeof view.id === "string" && "expiresAtText" in view && typeof view.accessKey === "string";
}

/** A view's timestamp as the record writes it: the expiry's own text when the view kept it. */
function timestampOf(view: Readonly<Record<string, unknown>>, field: "startsAt" | "expiresAt"): unknown {
  if (field === "expiresAt" && typeof view.expiresAtText === "string") return view.expiresAtText;
  const seconds = view[field];
  return typeof seconds === "number" && Number.isFinite(seconds) ? formatTimestamp(seconds) : undefined;
}
