import type { Grant } from "./model.js";
import { grantStatus, type GrantStatus } from "./status.js";

/** One row of a grants listing: a grant and where it stands at the listing's instant. */
export interface GrantListing {
  readonly grant: Grant;
  readonly status: GrantStatus;
  /** Seconds until the expiry (negative once expired). */
  readonly remainingSeconds: number;
  /** Before its expiry but within the revocation margin: the sweep revokes it now. */
  readonly withinMargin: boolean;
  /** Where it was declared, for example `grants/team-a.yaml:3`. */
  readonly source: string;
}

/** Options of {@link listGrants}. */
export interface ListGrantsOptions {
  readonly now: number;
  readonly marginSeconds?: number;
  /** Keep only active grants that expire within this many seconds. */
  readonly expiringWithinSeconds?: number;
}

/** Grants with their status at `now`, soonest expiry first; optionally only those expiring soon. */
export function listGrants(
  grants: readonly { grant: Grant; source: string }[],
  options: ListGrantsOptions,
): GrantListing[] {
  return grants
    .map(({ grant, source }) => ({
      grant,
      source,
      status: grantStatus(grant, options.now, options.marginSeconds ?? 0),
      remainingSeconds: grant.expiresAt - options.now,
      withinMargin:
        grant.expiresAt > options.now &&
        grantStatus(grant, options.now, options.marginSeconds ?? 0) === "expired",
    }))
    .filter(
      (row) =>
        options.expiringWithinSeconds === undefined ||
        (row.status === "active" && row.remainingSeconds <= options.expiringWithinSeconds),
    )
    .sort((a, b) => a.grant.expiresAt - b.grant.expiresAt || a.grant.id.localeCompare(b.grant.id));
}
