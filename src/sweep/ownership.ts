import { grantRecordOfResource, isGrantRecordType, type GrantRecord } from "../grant/record.js";
import { epochSecondsOrNull } from "../grant/time.js";
import { withoutInstanceKeys } from "../grant/instance-keys.js";
import { revokedRecord } from "../audit/ledger/sweep-records.js";

/**
 * Ownership memory: which grant owned a resource, even once that grant's record is gone. A
 * revocation interrupted between the record's deletion and its resources' (a killed apply, a
 * destroy that failed) leaves access that no current record lists; the sweep still revokes it,
 * because the state's `dependencies` on a record, or the ledger's apply and sweep events,
 * remember whose it was.
 */

/** One managed resource instance of a state, with the addresses it depends on. */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly values: unknown;
  /** The state's `depends_on` (OpenTofu's `dependencies`): configuration addresses. */
  readonly dependsOn: readonly string[];
}

/** A grant known to have owned a resource. */
export interface FormerOwner {
  readonly id: string;
  /** The grant's record as written, as the memory has it (an apply or sweep event's, or the state's), or null. */
  readonly record: unknown;
  /** Where the memory comes from: `ledger` or `state`. */
  readonly source: "ledger" | "state";
}

/** What the sweep remembers of one stack: owned address -> owner, and record address -> grant id. */
export interface OwnershipMemory {
  readonly owners: ReadonlyMap<string, FormerOwner>;
  readonly recordAddresses: ReadonlyMap<string, string>;
}

export const NO_MEMORY: OwnershipMemory = { owners: new Map(), recordAddresses: new Map() };

interface ModuleJson {
  readonly resources?: readonly {
    readonly address?: unknown;
    readonly mode?: unknown;
    readonly type?: unknown;
    readonly values?: unknown;
    readonly depends_on?: unknown;
  }[];
  readonly child_modules?: readonly ModuleJson[];
}

/**
 * The managed resources of a state as `show -json` prints it, or of a plan's `prior_state`
 * (pass the plan document: its `prior_state` is read). Empty for an empty state.
 */
export function stateResources(document: unknown): StateResource[] {
  const doc = document as { values?: { root_module?: ModuleJson }; prior_state?: unknown } | null;
  if (doc && "prior_state" in doc) return stateResources(doc.prior_state);
  const found: StateResource[] = [];
  const walk = (module: ModuleJson | undefined) => {
    for (const resource of module?.resources ?? []) {
      if ((resource.mode ?? "managed") !== "managed") continue;
      if (typeof resource.address !== "string" || typeof resource.type !== "string") continue;
      const dependsOn = Array.isArray(resource.depends_on)
        ? resource.depends_on.filter((item): item is string => typeof item === "string")
        : [];
      found.push({ address: resource.address, type: resource.type, values: resource.values, dependsOn });
    }
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(doc?.values?.root_module);
  return found;
}

/** A ledger line as this module reads it. */
interface EventLine {
  readonly event: { readonly type: string };
}

/**
 * What the ledger remembers of one stack's ownership: every address a grant record listed in
 * an apply event, or in the plan of a failed apply (created, updated, replaced), and every
 * address a sweep revoked for a grant
 * (the record's own address last). Later events win.
 */
export function ledgerMemory(lines: readonly EventLine[], stack: string): OwnershipMemory {
  const owners = new Map<string, FormerOwner>();
  const recordAddresses = new Map<string, string>();
  for (const { event: raw } of lines) {
    const event = raw as { readonly type: string } & Readonly<Record<string, unknown>>;
    if (event.stack !== stack) continue;
    // A failed apply may have made some of its changes: what it planned is remembered too.
    if (event.type === "apply" || event.type === "failure") {
      for (const change of arrayOf(event.grants)) {
        const { action, record } = change as { action?: unknown; record?: Partial<GrantRecord> };
        if (action === "delete" || typeof record?.id !== "string") continue;
        for (const address of arrayOf(record.resources)) {
          if (typeof address === "string") owners.set(address, { id: record.id, record, source: "ledger" });
        }
      }
    } else if (event.type === "sweep") {
      for (const revoked of arrayOf(event.revoked)) {
        const { id, record, addresses, leftover } = revoked as {
          id?: unknown;
          record?: unknown;
          addresses?: unknown;
          leftover?: unknown;
        };
        if (typeof id !== "string") continue;
        const listed = arrayOf(addresses).filter((item): item is string => typeof item === "string");
        // A normal revocation lists the owned resources, then the record's address.
        if (leftover !== true && listed.length > 0) recordAddresses.set(listed.at(-1)!, id);
        for (const address of listed.slice(0, leftover === true ? undefined : -1)) {
          if (!owners.has(address))
            owners.set(address, { id, record: revokedRecord(event, record), source: "ledger" });
        }
      }
    }
  }
  return { owners, recordAddresses };
}

/** The grant records a state holds, by their address. */
export function recordsInState(resources: readonly StateResource[]): Map<string, GrantRecord> {
  const records = new Map<string, GrantRecord>();
  for (const resource of resources) {
    const record = grantRecordOfResource(resource.type, resource.values);
    if (record) records.set(resource.address, record);
  }
  return records;
}

/** The resource type of a configuration or instance address (`module.m.type.name["k"]` -> `type`). */
function typeOfAddress(address: string): string {
  const parts = withoutInstanceKeys(address).split(".");
  return parts.at(-2) ?? "";
}

/**
 * The ledger's memory plus what the state itself says: a resource whose `depends_on` names a
 * grant record is that grant's. A dependency counts as a record when a record in the state has
 * that address, the ledger knows it as one, or its type can hold records and no grant lists it
 * as an owned resource. The ledger wins where both know an address.
 */
export function withStateMemory(
  memory: OwnershipMemory,
  resources: readonly StateResource[],
): OwnershipMemory {
  const records = recordsInState(resources);
  const ownedSomewhere = new Set<string>(memory.owners.keys());
  for (const record of records.values())
    for (const address of record.resources ?? []) ownedSomewhere.add(address);
  const owners = new Map(memory.owners);
  const recordAddresses = new Map(memory.recordAddresses);
  for (const [address, record] of records) recordAddresses.set(address, record.id);
  for (const resource of resources) {
    if (owners.has(resource.address) || records.has(resource.address)) continue;
    for (const dependency of resource.dependsOn) {
      const inState = records.get(dependency);
      const known = recordAddresses.get(dependency);
      const looksLikeRecord = isGrantRecordType(typeOfAddress(dependency)) && !ownedSomewhere.has(dependency);
      if (!inState && known === undefined && !looksLikeRecord) continue;
      const id = inState?.id ?? known ?? dependency;
      owners.set(resource.address, { id, record: inState ?? null, source: "state" });
      break;
    }
  }
  return { owners, recordAddresses };
}

/** The grant ids a state holds access for: its records, and the owners of its other resources. */
export function grantsHeld(resources: readonly StateResource[], memory: OwnershipMemory): Set<string> {
  const held = new Set<string>();
  const records = recordsInState(resources);
  const listedBy = new Map<string, string>();
  for (const record of records.values()) {
    held.add(record.id);
    for (const address of record.resources ?? []) listedBy.set(address, record.id);
  }
  for (const resource of resources) {
    const owner = listedBy.get(resource.address) ?? memory.owners.get(resource.address)?.id;
    if (owner !== undefined) held.add(owner);
  }
  return held;
}

/** One grant whose access a state still holds although it should be gone. */
export interface LeftAccess {
  readonly id: string;
  /** The record's address when the state still has it. */
  readonly recordAddress: string | null;
  readonly record: unknown;
  /** The record's address (when there) and every resource of the grant in the state. */
  readonly addresses: readonly string[];
  /** Why it should be gone: the record expired at the clock, or the record is gone already. */
  readonly why: "expired" | "removed" | "record-gone";
}

/**
 * The access a state holds for grants that should have none at `now`: records expired at the
 * clock (minus the revocation margin) or that `isRemoved` says left the code, with every resource they
 * own; and resources whose owner's record is gone. This is the state check behind "verified".
 */
export function accessToRevoke(
  resources: readonly StateResource[],
  memory: OwnershipMemory,
  options: {
    readonly now: number;
    readonly marginSeconds: number;
    readonly isRemoved?: ((id: string) => boolean) | undefined;
  },
): LeftAccess[] {
  const records = recordsInState(resources);
  const liveIds = new Set([...records.values()].map((record) => record.id));
  const present = new Set(resources.map((resource) => resource.address));
  const byId = new Map<string, LeftAccess & { addresses: string[] }>();
  for (const [address, record] of records) {
    const expiry = epochSecondsOrNull(record.expiresAt);
    const expired = expiry !== null && options.now >= expiry - options.marginSeconds;
    const removed = options.isRemoved?.(record.id) ?? false;
    if (!expired && !removed) continue;
    const owned = (record.resources ?? []).filter((item) => present.has(item));
    byId.set(record.id, {
      id: record.id,
      recordAddress: address,
      record,
      addresses: [...owned, address],
      why: expired ? "expired" : "removed",
    });
  }
  for (const resource of resources) {
    if (records.has(resource.address)) continue;
    const owner = memory.owners.get(resource.address);
    if (!owner) continue;
    const revoking = byId.get(owner.id);
    if (revoking) {
      if (!revoking.addresses.includes(resource.address)) revoking.addresses.unshift(resource.address);
    } else if (!liveIds.has(owner.id)) {
      byId.set(owner.id, {
        id: owner.id,
        recordAddress: null,
        record: owner.record,
        addresses: [resource.address],
        why: "record-gone",
      });
    }
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
