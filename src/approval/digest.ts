import { LONE_SURROGATE } from "../grant/identity.js";
import type { Grant } from "../grant/model.js";
import { formatTimestamp } from "../grant/time.js";
import { hashHex } from "./one-shot-hash.js";

/** Names the digest's field set, so a later change of fields can never collide with this one. */
export const GRANT_DIGEST_VERSION = "tempgrant.grant-digest/v1";

/**
 * A grant's timestamps as a record already writes them in the digest's form
 * (`2026-11-25T18:00:00Z`, equal to formatting its seconds): a check digests every record of
 * a plan, and formatting each timestamp again was a fifth of the digest's cost.
 */
export interface WrittenTimes {
  readonly expiresAt?: string;
  readonly startsAt?: string;
}

/**
 * Every field that defines the access a grant gives, in the form the digest covers. Timestamps
 * are normalized to RFC 3339 UTC, so `+02:00` and `Z` spellings of one instant digest alike;
 * absent optional fields are null, so "absent" can never be confused with "empty".
 * `approvedBy` is left out: it is whom the requester asks, not what is approved.
 */
export function grantDigestContent(
  grant: Grant,
  written?: WrittenTimes,
): Record<string, string | boolean | null> {
  // Keys in RFC 8785 order (sorted by UTF-16 code units), so that JSON.stringify writes the
  // canonical text as it is (see grantDigest; digest.test.ts holds the order to the sort).
  return {
    access: grant.access,
    breakGlass: grant.breakGlass,
    credential: grant.credential ?? null,
    digest: GRANT_DIGEST_VERSION,
    expiresAt: written?.expiresAt ?? formatTimestamp(grant.expiresAt),
    id: grant.id,
    principal: grant.principal,
    reason: grant.reason,
    requestedBy: grant.requestedBy,
    startsAt: grant.startsAt === undefined ? null : (written?.startsAt ?? formatTimestamp(grant.startsAt)),
    target: grant.target,
    ticket: grant.ticket ?? null,
  };
}

/**
 * The grant digest: SHA-256 over the RFC 8785 (JSON Canonicalization Scheme) form of
 * {@link grantDigestContent}, written `sha256:<64 hex digits>`. Approvals sign this text, so an
 * approval binds to the exact content and to nothing else.
 *
 * The content is one flat object of strings, booleans and nulls with its keys already in
 * order, and RFC 8785 writes strings as JSON.stringify does: so JSON.stringify gives the
 * canonical text, byte for byte what the `canonicalize` package gives (digest.test.ts compares
 * them), at a fraction of its cost. A check digests every grant of a plan.
 */
export function grantDigest(grant: Grant, written?: WrittenTimes): string {
  const content = grantDigestContent(grant, written);
  for (const value of Object.values(content)) {
    if (typeof value === "string" ? LONE_SURROGATE.test(value) : value !== null && typeof value !== "boolean")
      throw new Error("grant digest: the content cannot be canonicalized");
  }
  return `sha256:${hashHex("sha256", JSON.stringify(content))}`;
}

/**
 * {@link grantDigest} of a grant whose texts its caller has tested already (each a string with
 * no lone surrogate; recordDigest tests them all in one pass): a check digests every record of
 * a plan, and testing each text again was a fifth of the cost.
 */
export function testedGrantDigest(grant: Grant, written?: WrittenTimes): string {
  return `sha256:${hashHex("sha256", JSON.stringify(grantDigestContent(grant, written)))}`;
}
