import type { Grant, GrantSpec } from "./model.js";
import type { Problem } from "./problem.js";
import { specOf } from "./record.js";
import type { GrantStatus } from "./status.js";

/**
 * One declared grant (active or not) as a synthesized stack lists it under the comment key
 * "//" (`//.tempgrant.grants.<id>`, which Terraform ignores): written by the constructs
 * (src/constructs/declared-grant-listing.ts), read by `grants --app`, the check's
 * inactive-grant warnings and the sweep (src/check/declared-listing.ts).
 */
export interface StackListingEntry {
  readonly status: GrantStatus | "invalid";
  /** Where it was declared, for example `grants/team-a.yaml:3`. */
  readonly source: string;
  /** The grant written back as a spec, with its credential (a public verifier); absent for an invalid grant. */
  readonly spec?: GrantSpec;
  /** Why it is invalid; each with its file and line when the grant came from a grants file. */
  readonly problems?: readonly (Problem & { readonly file?: string; readonly line?: number })[];
}

/** The listing entry of a declared grant. */
export function stackListingEntry(entry: {
  readonly status: GrantStatus | "invalid";
  readonly source: string;
  readonly grant?: Grant;
  readonly problems?: readonly Problem[];
}): StackListingEntry {
  const { grant } = entry;
  return {
    status: entry.status,
    source: entry.source,
    // The credential is a public verifier, and part of what approvers sign (the grant digest).
    ...(grant
      ? {
          spec: {
            ...specOf(grant),
            ...(grant.credential !== undefined ? { credential: grant.credential } : {}),
          },
        }
      : {}),
    ...(entry.problems && entry.problems.length > 0 ? { problems: entry.problems } : {}),
  };
}

/** The listing of a parsed stack JSON (`cdk.tf.json`), by the key each grant is listed under; empty when it has none. */
export function stackListingOf(json: unknown): Readonly<Record<string, StackListingEntry>> {
  const comment = (json as { "//"?: { tempgrant?: { grants?: unknown } } } | null)?.["//"];
  const grants = comment?.tempgrant?.grants;
  return typeof grants === "object" && grants !== null && !Array.isArray(grants)
    ? (grants as Record<string, StackListingEntry>)
    : {};
}
