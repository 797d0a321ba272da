import { LONE_SURROGATE } from "../grant/identity.js";
import type { GrantRecord } from "../grant/record.js";
import { parseTimestamp } from "../grant/time.js";
import { testedGrantDigest } from "./digest.js";

/**
 * The grant digest of a record as a plan or state holds it, recomputed from its fields and
 * the credential its access resources are given (never from the digest the record carries,
 * which is only informative). Null when a field is unknown or not of its type: such a record
 * has no content anyone could have approved.
 */
export function recordDigest(record: GrantRecord, credential: string | null): string | null {
  const { id, principal, target, access, reason, requestedBy, breakGlass } = record;
  if (
    typeof id !== "string" ||
    typeof principal !== "string" ||
    typeof target !== "string" ||
    typeof access !== "string" ||
    typeof reason !== "string" ||
    typeof requestedBy !== "string" ||
    typeof breakGlass !== "boolean"
  )
    return null;
  const ticket = record.ticket ?? undefined;
  if (ticket !== undefined && typeof ticket !== "string") return null;
  // Half a surrogate pair is not text: nobody can have approved it, and it has no canonical
  // form. One test over the texts, each ended by a newline so that no two join into a pair.
  if (
    LONE_SURROGATE.test(
      `${id}\n${principal}\n${target}\n${access}\n${reason}\n${requestedBy}\n${ticket ?? ""}\n${credential ?? ""}`,
    )
  )
    return null;
  const expiresText = record.expiresAt;
  const expires = typeof expiresText === "string" ? parseTimestamp(expiresText) : undefined;
  if (!expires?.ok) return null;
  const written: { expiresAt?: string; startsAt?: string } = {};
  if (CANONICAL_UTC.test(expiresText as string)) written.expiresAt = expiresText as string;
  let startsAt: number | undefined;
  const startsText = record.startsAt;
  if (startsText !== undefined && startsText !== null) {
    const starts = typeof startsText === "string" ? parseTimestamp(startsText) : undefined;
    if (!starts?.ok) return null;
    // As grant validation does: a dropped fraction never widens the window.
    startsAt = starts.instant.seconds + (starts.instant.hadFraction ? 1 : 0);
    if (CANONICAL_UTC.test(startsText as string)) written.startsAt = startsText as string;
  }
  return testedGrantDigest(
    {
      id,
      principal,
      target,
      access,
      startsAt,
      expiresAt: expires.instant.seconds,
      reason,
      ticket,
      requestedBy,
      approvedBy: [],
      breakGlass,
      credential: credential ?? undefined,
    },
    written,
  );
}

/**
 * The digest's own form of a timestamp: one that parses and is written so is its canonical
 * text (formatting its seconds gives it back), so it is not formatted again.
 */
const CANONICAL_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
