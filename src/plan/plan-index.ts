import {
  grantRecordOfResource,
  isGrantRecordType,
  LEGACY_GRANT_RECORD_TYPE,
  type GrantRecord,
} from "../grant/record.js";
import { epochSecondsOrNull, parseTimestamp } from "../grant/time.js";
import { isExpiryBearing, nativeExpiryOf } from "./native-expiry.js";
import type { PlanJson, ResourceChangeJson } from "./plan-json.js";
import type {
  ChangeAction,
  GrantChange,
  GrantView,
  PolicyInput,
  PolicyInputOptions,
  ResourceView,
} from "./policy-input.js";
import { DEFAULT_PRIVILEGED_TYPES, typeMatcher } from "./privileged-types.js";
import { grantedScope } from "./scope.js";

/** A grant record's change without the resources it owns (they are in {@link PlanIndex.ownedBy}). */
export type RecordChange = Omit<GrantChange, "owned">;

/** A change that carries a grant record, and the grant id it goes by. */
export interface IndexedRecord {
  readonly change: ResourceChangeJson;
  readonly id: string;
}

/**
 * A plan read once for the policy input: which changes are grant records, which resource
 * changes each grant owns, and the removed grants. Views of single changes are built on
 * demand, so a part can be evaluated (on a helper thread) before the next part is normalized.
 */
export interface PlanIndex {
  readonly now: number;
  /** The `terraform_data` changes that carry a grant record, in plan order. */
  readonly records: readonly IndexedRecord[];
  /** Every managed resource change, in plan order. */
  readonly resources: readonly ResourceChangeJson[];
  /** The resource changes a grant id owns, in plan order; records that share an id share them. */
  readonly ownedBy: ReadonlyMap<string, readonly ResourceChangeJson[]>;
  /** The grant id that owns a resource change's address. */
  readonly ownerOf: ReadonlyMap<string, string>;
  readonly removedUnexpired: PolicyInput["removedUnexpired"];
  /** The view of one of {@link records}. */
  recordChange(change: ResourceChangeJson): RecordChange;
  /** The view of one of {@link resources}. */
  resourceView(change: ResourceChangeJson): ResourceView;
}

/** Indexes a plan: one pass for the records (a resource can come before the record that lists it), one for the resources. */
export function indexPlan(plan: PlanJson, options: PolicyInputOptions): PlanIndex {
  const planTime = plan.timestamp === undefined ? undefined : parseTimestamp(plan.timestamp);
  const now = options.now ?? (planTime?.ok ? planTime.instant.seconds : options.fallbackNow);
  const isPrivileged = memoizedByType(typeMatcher(options.privilegedTypes ?? DEFAULT_PRIVILEGED_TYPES));
  const changes = plan.resource_changes ?? [];
  const records: IndexedRecord[] = [];
  const ownerOf = new Map<string, string>();
  const ownedBy = new Map<string, ResourceChangeJson[]>();
  const removedUnexpired: Record<string, RecordChange[]> = {};
  for (const change of changes) {
    const record = recordSides(change);
    if (!record) continue;
    records.push({ change, id: record.id });
    if (!ownedBy.has(record.id)) ownedBy.set(record.id, []);
    for (const address of record.owns) ownerOf.set(address, record.id);
    // Only removed records need their whole view now: the rename check looks them up by key.
    if (record.action !== "delete") continue;
    const removed = grantChange(change, options.aliases);
    const before = removed?.before;
    if (removed && before && before.expiresAt !== null && before.expiresAt > now) {
      (removedUnexpired[before.accessKey] ??= []).push(removed);
    }
  }
  const drift = driftedAttributes(plan.resource_drift ?? [], isPrivileged);
  const resources: ResourceChangeJson[] = [];
  for (const change of changes) {
    if ((change.mode ?? "managed") !== "managed") continue;
    resources.push(change);
    const owner = ownerOf.get(change.address);
    if (owner !== undefined) ownedBy.get(owner)?.push(change);
  }
  return {
    now,
    records,
    resources,
    ownedBy,
    ownerOf,
    removedUnexpired,
    recordChange(change) {
      const view = grantChange(change, options.aliases);
      if (!view) throw new Error(`${change.address} is not a grant record`);
      return view;
    },
    resourceView(change) {
      const action = summarize(change.change.actions);
      const values = action === "delete" ? change.change.before : change.change.after;
      return {
        address: change.address,
        type: change.type,
        action,
        owner: ownerOf.get(change.address) ?? null,
        privileged: isPrivileged(change.type),
        unknown: unknownPaths(change.change.after_unknown, "", []),
        nativeExpiry: nativeExpiryOf(change.type, values) ?? null,
        expiryBearing: isExpiryBearing(change.type, values),
        scope: grantedScope(change.type, values),
        drift: drift.get(change.address) ?? [],
      };
    },
  };
}

/**
 * The attributes of privileged resources that changed outside Terraform, by address: the
 * top-level keys whose value differs between the drift entry's sides. A resource deleted by
 * hand is not access widened, so only updates count.
 */
function driftedAttributes(
  drift: readonly ResourceChangeJson[],
  isPrivileged: (type: string) => boolean,
): Map<string, string[]> {
  const changed = new Map<string, string[]>();
  for (const entry of drift) {
    if (!isPrivileged(entry.type)) continue;
    const { before, after } = entry.change;
    if (typeof before !== "object" || before === null || typeof after !== "object" || after === null)
      continue;
    const was = before as Record<string, unknown>;
    const is = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter(
      (key) => JSON.stringify(was[key]) !== JSON.stringify(is[key]),
    );
    if (keys.length > 0) changed.set(entry.address, keys.sort());
  }
  return changed;
}

/** A type predicate that runs once per distinct type: plans repeat a few types many times. */
function memoizedByType(test: (type: string) => boolean): (type: string) => boolean {
  const known = new Map<string, boolean>();
  return (type) => {
    let answer = known.get(type);
    if (answer === undefined) known.set(type, (answer = test(type)));
    return answer;
  };
}

/** A grant record change as the plan holds it: which side carries a record, its id, its action. */
interface RecordSides {
  readonly before: GrantRecord | undefined;
  readonly after: GrantRecord | undefined;
  readonly id: string;
  readonly action: ChangeAction;
  /** The addresses it owns: a deleted record what it listed before, any other what it will list. */
  readonly owns: readonly string[];
}

/** What the index needs of a change, without building views; undefined when it carries no record. */
function recordSides(change: ResourceChangeJson): RecordSides | undefined {
  if (!isGrantRecordType(change.type)) return undefined;
  const before = grantRecordOfResource(change.type, change.change.before);
  const after = grantRecordOfResource(change.type, change.change.after);
  if (!before && !after) return undefined;
  const action = summarize(change.change.actions);
  const owning = action === "delete" ? before : (after ?? before);
  const owns = owning && Array.isArray(owning.resources) ? (owning.resources as readonly string[]) : [];
  return { before, after, id: (after ?? before)?.id ?? change.address, action, owns };
}

/** Whether a record's expiry is known only after apply (the whole record, or its expiry field). */
function recordExpiryUnknown(change: ResourceChangeJson): boolean {
  const afterUnknown = change.change.after_unknown as Record<string, unknown> | boolean | undefined;
  if (afterUnknown === true) return true;
  if (typeof afterUnknown !== "object" || afterUnknown === null) return false;
  if (change.type === LEGACY_GRANT_RECORD_TYPE) {
    const input = afterUnknown.input;
    return (
      input === true || (typeof input === "object" && (input as { expiresAt?: unknown }).expiresAt === true)
    );
  }
  return afterUnknown.expires_at === true;
}

/**
 * A person's name as the policies compare it: trimmed, lower case, then its alias if it has
 * one. Folded here, in TypeScript, for every name the policies compare, because JavaScript and
 * OPA fold Unicode differently ("İ" lower-cases to "i̇" in one, "i" in the other).
 */
export function foldName(name: unknown, aliases: Readonly<Record<string, string>>): string {
  const folded = String(name ?? "")
    .trim()
    .toLowerCase();
  return Object.hasOwn(aliases, folded) ? String(aliases[folded]) : folded;
}

/** `principal|target|access`, the principal folded ({@link foldName}). */
export function accessKey(
  view: Pick<GrantRecord, "principal" | "target" | "access">,
  aliases: Readonly<Record<string, string>>,
): string {
  return `${foldName(view.principal, aliases)}|${String(view.target)}|${String(view.access)}`;
}

function grantChange(
  change: ResourceChangeJson,
  aliases: Readonly<Record<string, string>>,
): RecordChange | undefined {
  const sides = recordSides(change);
  if (!sides) return undefined;
  const expiryUnknown = recordExpiryUnknown(change);
  const before = sides.before ? view(sides.before, aliases) : null;
  const after = sides.after ? view(sides.after, aliases) : null;
  const { action } = sides;
  return {
    address: change.address,
    id: sides.id,
    action,
    before,
    after: action === "delete" ? null : after,
    unknownExpiry: action !== "delete" && (expiryUnknown || (after !== null && after.expiresAt === null)),
  };
}

function view(record: GrantRecord, aliases: Readonly<Record<string, string>>): GrantView {
  // The record's fields by name (one object shape for every grant), timestamps as epoch seconds.
  const { startsAt, expiresAt } = record;
  const approvedBy: readonly unknown[] = Array.isArray(record.approvedBy) ? record.approvedBy : [];
  return {
    id: record.id,
    principal: record.principal,
    target: record.target,
    access: record.access,
    reason: record.reason,
    ticket: record.ticket,
    requestedBy: record.requestedBy,
    approvedBy: approvedBy as readonly string[],
    breakGlass: record.breakGlass,
    binding: record.binding,
    nativeExpiry: record.nativeExpiry,
    resources: Array.isArray(record.resources) ? record.resources : [],
    startsAt: epochSecondsOrNull(startsAt),
    expiresAt: epochSecondsOrNull(expiresAt),
    expiresAtText: typeof expiresAt === "string" ? expiresAt : null,
    accessKey: accessKey(record, aliases),
    principalKey: foldName(record.principal, aliases),
    requestedByKey: foldName(record.requestedBy, aliases),
    approverKeys: approvedBy.map((name) => foldName(name, aliases)),
  };
}

/** Summarizes a plan's action list. */
export function summarize(actions: readonly string[]): ChangeAction {
  if (actions.length === 2 && actions.includes("delete") && actions.includes("create")) return "replace";
  const [first] = actions;
  if (
    first === "create" ||
    first === "update" ||
    first === "delete" ||
    first === "read" ||
    first === "forget"
  ) {
    return first;
  }
  return "no-op";
}

/** Flattens `after_unknown` (true where unknown) into attribute paths, appended to `out`. */
function unknownPaths(value: unknown, prefix: string, out: string[]): string[] {
  if (value === true) out.push(prefix || "*");
  else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      unknownPaths(value[index], `${prefix}[${index}]`, out);
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value))
      unknownPaths(item, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}
