import { TARGET_CREDENTIAL_ATTRIBUTES } from "../targets/registry.js";
import type { ResourceChangeJson } from "./plan-json.js";

/**
 * Where a grant's credential is applied: the resource types that carry one, and the attribute,
 * as the targets declare them (PostgreSQL's login role: its SCRAM verifier). The grant digest
 * covers the credential, and the record does not hold it, so the checker reads it from the
 * resources the record owns: what approvers signed is what is applied.
 */
const CREDENTIAL_ATTRIBUTES = TARGET_CREDENTIAL_ATTRIBUTES;

/** The credential-bearing resource changes of a plan, by address, for {@link credentialOf}. */
export function credentialResources(changes: readonly ResourceChangeJson[]): Map<string, ResourceChangeJson> {
  const found = new Map<string, ResourceChangeJson>();
  for (const change of changes)
    if (Object.hasOwn(CREDENTIAL_ATTRIBUTES, change.type)) found.set(change.address, change);
  return found;
}

/**
 * The credential the resources at `addresses` carry on one side of the plan: null when none
 * carries one; undefined when it cannot be told (unknown until apply, not text, or two
 * different credentials), which makes the grant's digest unknowable.
 */
export function credentialOf(
  addresses: readonly unknown[],
  side: "before" | "after",
  resources: ReadonlyMap<string, ResourceChangeJson>,
): string | null | undefined {
  if (resources.size === 0) return null;
  let credential: string | null = null;
  for (const address of addresses) {
    const change = typeof address === "string" ? resources.get(address) : undefined;
    if (!change) continue;
    const attribute = CREDENTIAL_ATTRIBUTES[change.type]!;
    if (side === "after") {
      const unknown = change.change.after_unknown;
      if (
        unknown === true ||
        (typeof unknown === "object" &&
          unknown !== null &&
          (unknown as Record<string, unknown>)[attribute] === true)
      )
        return undefined;
    }
    const values = change.change[side];
    if (typeof values !== "object" || values === null) continue;
    const value = (values as Record<string, unknown>)[attribute];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || (credential !== null && credential !== value)) return undefined;
    credential = value;
  }
  return credential;
}
