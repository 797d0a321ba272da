import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stackListingOf, type StackListingEntry } from "../grant/stack-listing.js";
import { parseTimestamp } from "../grant/time.js";

/** A grant as the synthesized stack lists it under "//" ({@link StackListingEntry}), its window read. */
export interface ListedGrant {
  readonly id: string;
  readonly status: string;
  readonly source: string;
  readonly startsAt: number | null;
  readonly expiresAt: number | null;
  /** Each with its file and line when the grant came from a grants file. */
  readonly problems: NonNullable<StackListingEntry["problems"]>;
}

/** The listing a synthesized stack's cdk.tf.json carries, by the key each grant is listed under. */
export function readStackListing(stackDir: string): Readonly<Record<string, StackListingEntry>> {
  return stackListingOf(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")));
}

/** The grants a synthesized stack declares, active or not, from its cdk.tf.json. */
export function listedGrants(stackDir: string): ListedGrant[] {
  return Object.entries(readStackListing(stackDir)).map(([id, entry]) => {
    const instant = (text: string | undefined): number | null => {
      const parsed = text ? parseTimestamp(text) : undefined;
      return parsed?.ok ? parsed.instant.seconds : null;
    };
    return {
      id,
      status: entry.status,
      source: entry.source,
      startsAt: instant(entry.spec?.startsAt),
      expiresAt: instant(entry.spec?.expiresAt),
      problems: entry.problems ?? [],
    };
  });
}

/** The soonest expiry among active grants, so operators can size the sweep schedule. */
export function nextExpiry(grants: readonly ListedGrant[]): ListedGrant | undefined {
  return grants
    .filter((grant) => grant.status === "active" && grant.expiresAt !== null)
    .sort((a, b) => (a.expiresAt ?? 0) - (b.expiresAt ?? 0))[0];
}
