import { LONE_SURROGATE } from "../grant/identity.js";
import type { GrantRecord } from "../grant/record.js";
import { parseTimestamp } from "../grant/time.js";
import { grantDigest } from "./digest.js";

/**
 * The grant digest of a record as a plan or state holds it, recomputed from its fields and
 * the credential its access resources are given (never from the digest the record carries,
 * which is only informative). Null when a field is unknown or not of its type: such a record
 * has no content anyone could have approved.
 */
export function recordDigest(record: GrantRecord, credential: string | null): string | null {
  const texts = [
    record.id,
    record.principal,
    record.target,
    record.access,
    record.reason,
    record.requestedBy,
  ];
  if (texts.some((text) => typeof text !== "string") || typeof record.breakGlass !== "boolean") return null;
  if (record.ticket !== undefined && record.ticket !== null && typeof record.ticket !== "string") return null;
  // Half a surrogate pair is not text: nobody can have approved it, and it has no canonical form.
  if ([...texts, record.ticket ?? "", credential ?? ""].some((text) => LONE_SURROGATE.test(text as string)))
    return null;
  const expires = typeof record.expiresAt === "string" ? parseTimestamp(record.expiresAt) : undefined;
  if (!expires?.ok) return null;
  let startsAt: number | undefined;
  if (record.startsAt !== undefined && record.startsAt !== null) {
    const starts = typeof record.startsAt === "string" ? parseTimestamp(record.startsAt) : undefined;
    if (!starts?.ok) return null;
    // As grant validation does: a dropped fraction never widens the window.
    startsAt = starts.instant.seconds + (starts.instant.hadFraction ? 1 : 0);
  }
  return grantDigest({
    id: record.id,
    principal: record.principal,
    target: record.target,
    access: record.access,
    startsAt,
    expiresAt: expires.instant.seconds,
    reason: record.reason,
    ticket: record.ticket ?? undefined,
    requestedBy: record.requestedBy,
    approvedBy: [],
    breakGlass: record.breakGlass,
    credential: credential ?? undefined,
  });
}
