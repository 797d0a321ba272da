import type { PlanActions, ResourceAction } from "../plan/plan-actions.js";
import { NO_MEMORY, type OwnershipMemory } from "./ownership.js";

/** One grant the plan revokes: its record and the target resources it owned. */
export interface Revocation {
  readonly id: string;
  /**
   * The record being deleted, as the plan wrote it (read from plan actions); for a leftover,
   * the record as the ownership memory has it (an apply or sweep event's), or null.
   */
  readonly record: unknown;
  /** The owned resources being deleted, then the record's address (absent for a leftover). */
  readonly addresses: readonly string[];
  /**
   * True when the record was already gone: these are resources it owned that an interrupted
   * or partly failed revocation left behind.
   */
  readonly leftover?: true;
}

/** What a sweep found in a full plan. */
export interface SweepSelection {
  readonly revocations: readonly Revocation[];
  /** Every other change: new or changed grants, drift, resources outside grants. */
  readonly pending: readonly ResourceAction[];
  /** The addresses to limit the revocation plan to (`-target`). */
  readonly targets: readonly string[];
}

/**
 * Splits a full plan into revocations and everything else. A revocation is (a) a grant record
 * being deleted (its grant expired, or left the code) together with the deletions of the
 * resources that record lists or that the memory says it owned, or (b) deletions of resources
 * no current record owns whose owner, by the memory (the state's dependencies, the ledger),
 * is a grant whose record is gone. Only deletions are ever selected. Pure: the sweep applies
 * only `targets`, so a pending or failing unrelated change never holds a revocation hostage.
 */
export function selectRevocations(input: PlanActions, memory: OwnershipMemory = NO_MEMORY): SweepSelection {
  const revocations: Revocation[] = [];
  const revoked = new Set<string>();
  const deletions = input.resources.filter((resource) => resource.action === "delete");
  const deleted = new Set(deletions.map((resource) => resource.address));
  const remembered = (id: string) =>
    deletions
      .filter((resource) => resource.owner === null && memory.owners.get(resource.address)?.id === id)
      .map((resource) => resource.address);
  for (const grant of input.grants) {
    if (grant.action !== "delete") continue;
    const listed = (grant.before?.resources ?? []).filter((address) => deleted.has(address));
    const owned = [...new Set([...listed, ...remembered(grant.id)])];
    const addresses = [...owned, grant.address];
    for (const address of addresses) revoked.add(address);
    revocations.push({ id: grant.id, record: grant.before, addresses });
  }
  // Records still in the state (whatever their change): their grants are not gone.
  const recorded = new Set(input.grants.filter((grant) => grant.before !== null).map((grant) => grant.id));
  const leftovers = new Map<string, { record: unknown; addresses: string[] }>();
  for (const resource of deletions) {
    if (revoked.has(resource.address) || resource.owner !== null) continue;
    const owner = memory.owners.get(resource.address);
    if (!owner || recorded.has(owner.id)) continue;
    const entry = leftovers.get(owner.id) ?? { record: owner.record, addresses: [] };
    entry.addresses.push(resource.address);
    leftovers.set(owner.id, entry);
  }
  for (const [id, { record, addresses }] of leftovers) {
    for (const address of addresses) revoked.add(address);
    revocations.push({ id, record, addresses, leftover: true });
  }
  const pending = input.resources.filter(
    (resource) => !revoked.has(resource.address) && resource.action !== "no-op" && resource.action !== "read",
  );
  return { revocations, pending, targets: [...revoked].sort() };
}
