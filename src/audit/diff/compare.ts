import { samePerson } from "../../grant/identity.js";
import { parseTimestamp } from "../../grant/time.js";
import { DEFAULT_PRIVILEGED_TYPES, typeMatcher } from "../../plan/privileged-types.js";
import { accessEffect, DEFAULT_ACCESS_ORDER } from "./access-order.js";
import {
  EFFECT_ORDER,
  type AuditDiff,
  type ChangeEffect,
  type FieldChange,
  type GrantDiff,
  type UnmanagedChange,
} from "./audit-diff.js";
import { grantRecordsOf, type RecordedGrant } from "./grant-records.js";
import type { Snapshot, SnapshotResource } from "./snapshot.js";

/** Options of {@link diffSnapshots}. */
export interface DiffOptions {
  /** Globs of privileged resource types; default {@link DEFAULT_PRIVILEGED_TYPES} (tempgrant.yaml `privilegedTypes`). */
  readonly privilegedTypes?: readonly string[];
  /** Access levels from least to most; default {@link DEFAULT_ACCESS_ORDER}. */
  readonly accessOrder?: readonly string[];
}

/** Compares two snapshots: grants by id, privileged resources by address. Pure. */
export function diffSnapshots(before: Snapshot, after: Snapshot, options: DiffOptions = {}): AuditDiff {
  const recordsBefore = grantRecordsOf(before);
  const recordsAfter = grantRecordsOf(after);
  const was = byId(recordsBefore);
  const now = byId(recordsAfter);
  const order = options.accessOrder ?? DEFAULT_ACCESS_ORDER;

  const added: GrantDiff[] = [];
  const removed: GrantDiff[] = [];
  const changed: GrantDiff[] = [];
  let unchanged = 0;
  for (const [id, record] of now) {
    const previous = was.get(id);
    if (!previous) {
      added.push({ id: record.id, kinds: ["added"], before: null, after: record, fields: [] });
      continue;
    }
    const fields = compareRecords(previous, record, order);
    if (fields.length === 0) {
      unchanged += 1;
      continue;
    }
    const kinds = EFFECT_ORDER.filter((effect) => fields.some((field) => field.effect === effect));
    changed.push({ id: record.id, kinds, before: previous, after: record, fields });
  }
  for (const [id, record] of was) {
    if (!now.has(id))
      removed.push({ id: record.id, kinds: ["removed"], before: record, after: null, fields: [] });
  }
  const sortById = (list: GrantDiff[]) => list.sort((a, b) => a.id.localeCompare(b.id));
  return {
    before: info(before),
    after: info(after),
    grants: [...sortById(added), ...sortById(removed), ...sortById(changed)],
    unchanged,
    unmanaged: unmanagedChanges(before, after, recordsBefore, recordsAfter, options),
  };
}

function info(snapshot: Snapshot): AuditDiff["before"] {
  return {
    source: snapshot.source,
    kind: snapshot.kind,
    ...(snapshot.serial !== undefined ? { serial: snapshot.serial } : {}),
  };
}

/** Records by grant id; a repeated id (never written by tempgrant) is told apart by its address. */
function byId(records: readonly RecordedGrant[]): Map<string, RecordedGrant> {
  const map = new Map<string, RecordedGrant>();
  for (const record of records) {
    map.set(map.has(record.id) ? `${record.id} (${record.address})` : record.id, record);
  }
  return map;
}

/** Every field that differs, with what the difference does to the grant. */
function compareRecords(
  before: RecordedGrant,
  after: RecordedGrant,
  order: readonly string[],
): FieldChange[] {
  const fields: FieldChange[] = [];
  const add = (field: FieldChange["field"], from: string | null, to: string | null, effect: ChangeEffect) => {
    if (from !== to) fields.push({ field, before: from, after: to, effect });
  };
  // The same person under another spelling (case, NFKC, a look-alike) is not another principal.
  if (!samePerson(before.principal, after.principal))
    add("principal", before.principal, after.principal, "widened");
  add("target", before.target, after.target, "widened");
  add("access", before.access, after.access, accessEffect(before.access, after.access, order));
  // A later start shrinks the window; no start means "from the apply", the earliest.
  add(
    "startsAt",
    before.startsAt,
    after.startsAt,
    laterIs(after.startsAt, before.startsAt, "narrowed", "extended", -1),
  );
  add(
    "expiresAt",
    before.expiresAt,
    after.expiresAt,
    laterIs(after.expiresAt, before.expiresAt, "extended", "narrowed", 1),
  );
  const gained = after.resources.some((address) => !before.resources.includes(address));
  add("resources", list(before.resources), list(after.resources), gained ? "widened" : "narrowed");
  add("reason", before.reason, after.reason, "metadata");
  add("ticket", before.ticket, after.ticket, "metadata");
  add("requestedBy", before.requestedBy, after.requestedBy, "metadata");
  add("approvedBy", list(before.approvedBy), list(after.approvedBy), "metadata");
  add("breakGlass", yesNo(before.breakGlass), yesNo(after.breakGlass), "metadata");
  add("binding", before.binding, after.binding, "metadata");
  add("nativeExpiry", yesNo(before.nativeExpiry), yesNo(after.nativeExpiry), "metadata");
  return fields;
}

/**
 * Compares two timestamps: `later` when `next` is after `previous`, else `earlier`. An
 * absent value is at `absentSign` infinity (no start: the beginning of time). A value that
 * does not parse counts as `extended`: nothing proves the window did not grow.
 */
function laterIs(
  next: string | null,
  previous: string | null,
  later: ChangeEffect,
  earlier: ChangeEffect,
  absentSign: 1 | -1,
): ChangeEffect {
  const seconds = (text: string | null): number | undefined => {
    if (text === null) return absentSign * Infinity;
    const parsed = parseTimestamp(text);
    return parsed.ok ? parsed.instant.seconds : undefined;
  };
  const [a, b] = [seconds(next), seconds(previous)];
  if (a === undefined || b === undefined) return "extended";
  if (a === b) return "metadata";
  return a > b ? later : earlier;
}

/** A list as text, sorted: order means nothing in owned resources or approvers. */
function list(values: readonly string[]): string {
  return [...values].sort().join(", ");
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

/** Privileged resources added, changed, removed or orphaned with no grant record owning them. */
function unmanagedChanges(
  before: Snapshot,
  after: Snapshot,
  recordsBefore: readonly RecordedGrant[],
  recordsAfter: readonly RecordedGrant[],
  options: DiffOptions,
): UnmanagedChange[] {
  const isPrivileged = typeMatcher(options.privilegedTypes ?? DEFAULT_PRIVILEGED_TYPES);
  // The records themselves are the audit trail, not access, even if their type is listed.
  const recordAddresses = new Set([...recordsBefore, ...recordsAfter].map((record) => record.address));
  const privileged = (snapshot: Snapshot) =>
    new Map(
      snapshot.resources
        .filter((resource) => isPrivileged(resource.type) && !recordAddresses.has(resource.address))
        .map((resource) => [resource.address, resource]),
    );
  const owners = (records: readonly RecordedGrant[]) =>
    new Map(records.flatMap((record) => record.resources.map((address) => [address, record.id] as const)));
  const [was, now] = [privileged(before), privileged(after)];
  const [ownedBefore, ownedAfter] = [owners(recordsBefore), owners(recordsAfter)];

  const flagged: UnmanagedChange[] = [];
  for (const address of new Set([...was.keys(), ...now.keys()])) {
    const previous = was.get(address);
    const current = now.get(address);
    const formerOwner = ownedBefore.get(address) ?? null;
    if (!previous && current) {
      if (!ownedAfter.has(address)) flagged.push(entry(current, "added", [], null));
    } else if (previous && !current) {
      if (!formerOwner) flagged.push(entry(previous, "removed", [], null));
    } else if (previous && current && !ownedAfter.has(address)) {
      const attributes = changedAttributes(previous, current);
      if (attributes.length > 0) flagged.push(entry(current, "changed", attributes, formerOwner));
      else if (formerOwner) flagged.push(entry(current, "orphaned", [], formerOwner));
    }
  }
  return flagged.sort((a, b) => a.address.localeCompare(b.address));
}

function entry(
  resource: SnapshotResource,
  action: UnmanagedChange["action"],
  attributes: string[],
  formerOwner: string | null,
): UnmanagedChange {
  return { address: resource.address, type: resource.type, action, attributes, formerOwner };
}

/** Top-level attributes whose values differ. */
function changedAttributes(before: SnapshotResource, after: SnapshotResource): string[] {
  const names = new Set([...Object.keys(before.values), ...Object.keys(after.values)]);
  return [...names].filter((name) => canonical(before.values[name]) !== canonical(after.values[name])).sort();
}

/**
 * JSON with sorted keys, a dynamic value's `{"value", "type"}` wrapper (kept by raw states
 * of providers whose schemas tempgrant does not know) reduced to the value, so the same
 * resource read from a raw state and from `show -json` compares equal.
 */
function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(unwrapTyped(value)));
}

function unwrapTyped(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const typed = value as { value?: unknown; type?: unknown };
  return keys.length === 2 && "value" in typed && isCtyType(typed.type) ? typed.value : value;
}

function isCtyType(type: unknown): boolean {
  if (typeof type === "string") return ["string", "number", "bool", "dynamic"].includes(type);
  return Array.isArray(type) && ["list", "set", "map", "object", "tuple"].includes(type[0] as string);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
