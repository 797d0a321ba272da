import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { Grant } from "../grant/model.js";
import { formatTimestamp } from "../grant/time.js";

/** Names the digest's field set, so a later change of fields can never collide with this one. */
export const GRANT_DIGEST_VERSION = "tempgrant.grant-digest/v1";

/**
 * Every field that defines the access a grant gives, in the form the digest covers. Timestamps
 * are normalized to RFC 3339 UTC, so `+02:00` and `Z` spellings of one instant digest alike;
 * absent optional fields are null, so "absent" can never be confused with "empty".
 * `approvedBy` is left out: it is whom the requester asks, not what is approved.
 */
export function grantDigestContent(grant: Grant): Record<string, string | boolean | null> {
  return {
    digest: GRANT_DIGEST_VERSION,
    id: grant.id,
    principal: grant.principal,
    target: grant.target,
    access: grant.access,
    startsAt: grant.startsAt === undefined ? null : formatTimestamp(grant.startsAt),
    expiresAt: formatTimestamp(grant.expiresAt),
    breakGlass: grant.breakGlass,
    credential: grant.credential ?? null,
    reason: grant.reason,
    ticket: grant.ticket ?? null,
    requestedBy: grant.requestedBy,
  };
}

/**
 * The grant digest: SHA-256 over the RFC 8785 (JSON Canonicalization Scheme) form of
 * {@link grantDigestContent}, written `sha256:<64 hex digits>`. Approvals sign this text, so an
 * approval binds to the exact content and to nothing else.
 */
export function grantDigest(grant: Grant): string {
  const text = canonicalize(grantDigestContent(grant));
  if (text === undefined) throw new Error("grant digest: the content cannot be canonicalized");
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}
