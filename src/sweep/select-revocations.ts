import type { GrantChange, PolicyInput, ResourceView } from "../plan/policy-input.js";

/** One grant the plan revokes: its record and the target resources it owned. */
export interface Revocation {
  readonly grant: GrantChange;
  /** The record's address and the owned resources being deleted. */
  readonly addresses: readonly string[];
}

/** What a sweep found in a full plan. */
export interface SweepSelection {
  readonly revocations: readonly Revocation[];
  /** Every other change: new or changed grants, drift, resources outside grants. */
  readonly pending: readonly ResourceView[];
  /** The addresses to limit the revocation plan to (`-target`). */
  readonly targets: readonly string[];
}

/**
 * Splits a full plan into revocations and everything else. A revocation is a grant record
 * being deleted (its grant expired, or left the code) together with the deletions of the
 * resources that record lists. Pure: the sweep applies only `targets`, so a pending or
 * failing unrelated change never holds a revocation hostage.
 */
export function selectRevocations(input: PolicyInput): SweepSelection {
  const revocations: Revocation[] = [];
  const revoked = new Set<string>();
  const deletions = new Map(
    input.resources
      .filter((resource) => resource.action === "delete")
      .map((resource) => [resource.address, resource]),
  );
  for (const grant of input.grants) {
    if (grant.action !== "delete") continue;
    const owned = (grant.before?.resources ?? []).filter((address) => deletions.has(address));
    const addresses = [...owned, grant.address];
    for (const address of addresses) revoked.add(address);
    revocations.push({ grant, addresses });
  }
  const pending = input.resources.filter(
    (resource) => !revoked.has(resource.address) && resource.action !== "no-op" && resource.action !== "read",
  );
  return { revocations, pending, targets: [...revoked].sort() };
}
