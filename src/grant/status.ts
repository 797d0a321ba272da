import type { Grant } from "./model.js";

/** Where a grant stands at an instant. */
export type GrantStatus = "pending" | "active" | "expired";

/**
 * The status of a grant at `now` (epoch seconds). A grant is active on
 * [startsAt, expiresAt - margin): the early-revocation margin ends access a little before
 * the declared expiry, so a sweep that runs every few minutes never lets it outlive it.
 */
export function grantStatus(
  grant: Pick<Grant, "startsAt" | "expiresAt">,
  now: number,
  marginSeconds = 0,
): GrantStatus {
  if (grant.startsAt !== undefined && now < grant.startsAt) return "pending";
  if (now >= grant.expiresAt - marginSeconds) return "expired";
  return "active";
}
