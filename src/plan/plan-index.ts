import { quoteValue } from "../errors.js";
import { computedWhenUnset, targetGrantees } from "../targets/registry.js";
import { isPathIn } from "../targets/scope-values.js";
import {
  grantRecordOfResource,
  isGrantRecordType,
  LEGACY_GRANT_RECORD_TYPE,
  type GrantRecord,
} from "../grant/record.js";
import { accessEffect } from "../grant/access-order.js";
import { foldName as foldPersonName, grantTextProblems, Identities } from "../grant/identity.js";
import { epochSecondsOrNull, parseTimestamp } from "../grant/time.js";
import { recordDigest } from "../approval/record-digest.js";
import { isExpiryBearing, nativeExpiryOf } from "./native-expiry.js";
import { credentialOf, credentialResources } from "./record-credential.js";
import type { PlanJson, ResourceChangeJson } from "./plan-json.js";
import type {
  ApprovalCheck,
  ChangeAction,
  GrantChange,
  GrantView,
  PolicyInput,
  PolicyInputOptions,
  ApprovalResult,
  ResourceView,
} from "./policy-input.js";
import { codeRunBy, codeRunners } from "./code-runners.js";
import { PlanRelations } from "./plan-relations.js";
import { DEFAULT_PRIVILEGED_TYPES, privilegedByContent, typeMatcher } from "./privileged-types.js";
import { accessRelevantUnknown, grantedScope, widenedScope } from "./scope.js";

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
  /** The resource changes a grant id owns, in plan order (no entry: none); records that share an id share them. */
  readonly ownedBy: ReadonlyMap<string, readonly ResourceChangeJson[]>;
  /** The grant id that owns a resource change's address. */
  readonly ownerOf: ReadonlyMap<string, string>;
  readonly removedUnexpired: PolicyInput["removedUnexpired"];
  /**
   * Starts verifying the planned records' approvals on other threads, for a caller that then
   * builds the views a part at a time and lets the event loop run between parts (checkPlan):
   * the views find the signatures verified instead of verifying them on this thread.
   */
  verifyApprovalsAhead(): void;
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
  const identities = new Identities(options.aliases);
  // The people evidence names take part in look-alike folding like the plan's own names.
  for (const person of options.approvals?.people ?? []) identities.add(person);
  const records: SidedRecord[] = [];
  // Who lists each address: live records (not being deleted), and deleted ones. One id
  // rather than a list of one: nearly every address has one claimant.
  const claims = new Map<string, string | string[]>();
  const shared = new Map<string, string[]>();
  const revokedBy = new Map<string, string>();
  let anyDeleted = false;
  let anyBreakGlass = false;
  for (const change of changes) {
    if ((change.mode ?? "managed") !== "managed") continue;
    const record = recordSides(change);
    if (!record) continue;
    records.push({ change, id: record.id, sides: record });
    if (record.after?.breakGlass === true) anyBreakGlass = true;
    for (const side of [record.before, record.after]) {
      if (!side) continue;
      identities.add(side.principal);
      identities.add(side.requestedBy);
      if (Array.isArray(side.approvedBy)) for (const name of side.approvedBy) identities.add(name);
    }
    if (live(record.action)) {
      for (const address of record.owns) {
        const ids = claims.get(address);
        if (ids === undefined) claims.set(address, record.id);
        else if (typeof ids === "string") {
          if (ids !== record.id) {
            const both = [ids, record.id];
            claims.set(address, both);
            shared.set(address, both);
          }
        } else if (!ids.includes(record.id)) ids.push(record.id);
      }
    } else if (record.action === "delete") {
      anyDeleted = true;
      for (const address of record.owns) revokedBy.set(address, record.id);
    }
  }
  // Addresses a record listed before the plan that no live record lists after it: each must
  // be destroyed by this plan, or its access outlives the grant with nothing to revoke it
  // (a record deleted or forgotten while its resource stays, an address dropped from a list).
  const unlisted = new Map<string, ResourceChangeJson[]>();
  for (const { change, sides } of records) {
    const listed = sides.before?.resources;
    if (!Array.isArray(listed)) continue;
    for (const address of listed as readonly string[]) {
      if (claims.has(address)) continue;
      const by = unlisted.get(address);
      if (by === undefined) unlisted.set(address, [change]);
      else by.push(change);
    }
  }
  // Each record's sides as the index read them, so a view does not read the record again.
  const sidesOf = new Map(records.map((record) => [record.change, record.sides]));
  const context: RecordContext = {
    identities,
    approvals: options.approvals,
    credentials: credentialResources(changes),
    afterDigests: new Map(),
  };
  const grantChangeOf = (change: ResourceChangeJson) =>
    grantChange(change, sidesOf.get(change) ?? recordSides(change), context);
  // Only removed records need their whole view now: the rename check looks them up by key.
  const removedUnexpired: Record<string, RecordChange[]> = {};
  const removedById = new Map<string, RecordChange>();
  const removedByPerson = new Map<string, RecordChange[]>();
  // Their views, built once (a digest is a hash): their own part's view is a copy.
  const removedViews = new Map<ResourceChangeJson, RecordChange>();
  for (const { change, sides } of anyDeleted ? records : []) {
    if (sides.action !== "delete") continue;
    const removed = grantChangeOf(change);
    const before = removed?.before;
    if (!removed || !before) continue;
    removedViews.set(change, removed);
    removedById.set(removed.id, removed);
    if (before.expiresAt !== null && before.expiresAt > now) {
      (removedUnexpired[before.accessKey] ??= []).push(removed);
      const person = `${before.principalKey}|${targetKey(before.target)}`;
      (removedByPerson.get(person) ?? removedByPerson.set(person, []).get(person)!).push(removed);
    }
  }
  const breakGlass = anyBreakGlass ? breakGlassWindows(records, identities, now) : new Map();
  const drift = driftedAttributes(plan.resource_drift ?? [], isPrivileged);
  const resources: ResourceChangeJson[] = [];
  const ownerOf = new Map<string, string>();
  // Only grants that own something get a list (readers default to none).
  const ownedBy = new Map<string, ResourceChangeJson[]>();
  const relations = new PlanRelations(plan, ownerOf);
  for (const change of changes) {
    if ((change.mode ?? "managed") !== "managed") continue;
    resources.push(change);
    relations.add(change);
    if (unlisted.size > 0) {
      // Destroyed (a replacement creates it again, which no grant would then revoke).
      if (unlisted.has(change.address) && summarize(change.change.actions) === "delete")
        unlisted.delete(change.address);
      // Moved to an address a record that stays lists: it went with its grant.
      const from = change.previous_address;
      if (typeof from === "string" && unlisted.has(from) && claims.has(change.address)) unlisted.delete(from);
    }
    // Owned only by the one live record that lists its exact address; a resource being
    // deleted stays with the deleted record that listed it (its revocation).
    const ids = claims.get(change.address);
    const owner =
      typeof ids === "string"
        ? ids
        : ids === undefined && anyDeleted && summarize(change.change.actions) === "delete"
          ? revokedBy.get(change.address)
          : undefined;
    if (owner === undefined) continue;
    ownerOf.set(change.address, owner);
    const owned = ownedBy.get(owner);
    if (owned === undefined) ownedBy.set(owner, [change]);
    else owned.push(change);
  }
  // Code the stack runs: provisioners are judged with their resource's change; a data source
  // that runs a program ran during this plan already, so each block is judged as a read of its own.
  const runners = codeRunners(plan, options.removedBlocks);
  const programReads = new Map<ResourceChangeJson, string>();
  for (const runner of runners.values())
    if (runner.everyPlan) {
      const read = {
        address: runner.address,
        mode: "data",
        type: runner.type,
        name: runner.name,
        change: { actions: ["read"], before: null, after: null },
      };
      programReads.set(read, runner.runs);
      resources.push(read);
    }
  // Gone from the target already (the refresh found it deleted): nothing is left behind.
  if (unlisted.size > 0)
    for (const drifted of plan.resource_drift ?? [])
      if (summarize(drifted.change.actions) === "delete") unlisted.delete(drifted.address);
  // What is left of `unlisted` stays after the plan: the records that listed it left it behind.
  const leftBehind = new Map<ResourceChangeJson, string[]>();
  for (const [address, by] of unlisted)
    for (const change of by) {
      const addresses = leftBehind.get(change);
      if (addresses === undefined) leftBehind.set(change, [address]);
      else addresses.push(address);
    }
  return {
    now,
    records,
    resources,
    ownedBy,
    ownerOf,
    removedUnexpired,
    verifyApprovalsAhead() {
      if (options.approvals?.verifyAhead)
        for (const { sides } of records)
          if (sides.after && sides.action !== "delete")
            options.approvals.verifyAhead(sides.id, afterDigest(sides.after, context));
    },
    recordChange(change) {
      const removed = removedViews.size > 0 ? removedViews.get(change) : undefined;
      const view = removed ? { ...removed } : grantChangeOf(change);
      if (!view) throw new Error(`${change.address} is not a grant record`);
      const predecessor =
        view.action === "create" && view.after && removedById.size > 0
          ? (removedById.get(view.id) ??
            removedByPerson.get(`${view.after.principalKey}|${targetKey(view.after.target)}`)?.[0])
          : undefined;
      // A record that does not exist after the plan (deleted, forgotten) continues nothing: it
      // has no predecessor to judge (the rules read one only for a planned record).
      const previous =
        view.after === null ? null : (predecessor?.before ?? (view.action === "create" ? null : view.before));
      // Fields that hold their default are left out of the document (the policies read them
      // with object.get): most grants widen nothing, so the input stays as small as before.
      const grant = view as Mutable<RecordChange>;
      const window = breakGlass.size > 0 ? breakGlass.get(change) : undefined;
      if (window) {
        grant.breakGlassSpan = window.span;
        grant.breakGlassWith = window.with;
        if (window.beyond) grant.breakGlassBeyond = window.beyond;
      }
      if (previous) {
        grant.predecessor = { id: previous.id, approverKeys: previous.approverKeys, digest: previous.digest };
        if (view.after) {
          const widens = widening(previous, view.after, predecessor === undefined, now);
          if (widens.length > 0) grant.widens = widens;
        }
      }
      const missing = (view.after?.resources ?? []).filter((address) => ownerOf.get(address) !== view.id);
      if (missing.length > 0) grant.missingResources = missing;
      const left = leftBehind.size > 0 ? leftBehind.get(change) : undefined;
      if (left !== undefined) grant.leftBehind = left;
      return grant;
    },
    resourceView(change) {
      const action = summarize(change.change.actions);
      const values = action === "delete" ? change.change.before : change.change.after;
      const unknown = withoutUnsetComputed(
        change,
        unknownPaths(change.change.after_unknown, "", []),
        relations,
      );
      // By content too: a manifest whose kind is known only after apply is privileged; one
      // with no values after the plan (forgotten) by what it held before.
      const privileged =
        isPrivileged(change.type) ||
        privilegedByContent(change.type, values ?? change.change.before, unknown);
      const owner = ownerOf.get(change.address) ?? null;
      const context = { relations, owner };
      const view: Mutable<ResourceView> = {
        address: change.address,
        type: change.type,
        action,
        owner,
        privileged,
        unknown,
        nativeExpiry: nativeExpiryOf(change.type, values) ?? null,
        expiryBearing: isExpiryBearing(change.type, values),
        scope: grantedScope(change.type, values, context),
        drift: drift.get(change.address) ?? [],
      };
      // Defaults left out, as for grants (the policies read them with object.get).
      if (privileged && action !== "delete" && unknown.length > 0) {
        // A value known only after apply that refers to nothing but the grant's own resource
        // (a binding attaching its own policy by ARN) is judged by that resource.
        const referring = relations.referenceAttributes(change.type);
        let unknownAccess = accessRelevantUnknown(change.type, unknown);
        if (referring)
          unknownAccess = unknownAccess.filter(
            (path) => !(referring.includes(path) && relations.refersOnlyToOwnResources(change, path, owner)),
          );
        if (unknownAccess.length > 0) view.unknownAccess = unknownAccess;
      }
      if (typeof change.previous_address === "string") view.previousAddress = change.previous_address;
      const runs = programReads.get(change) ?? codeRunBy(runners, change);
      if (runs !== undefined) view.runsCode = runs;
      // Shared addresses are rare: most plans have none, and then no lookup at all.
      const claimedBy = shared.size > 0 ? shared.get(change.address) : undefined;
      if (claimedBy !== undefined) view.claimedBy = claimedBy;
      if (privileged && (action === "update" || action === "replace")) {
        const widened = widenedScope(
          change.type,
          change.change.before,
          change.change.after,
          (v) => nativeExpiryOf(change.type, v),
          context,
        );
        if (widened.length > 0) view.widened = widened;
      }
      // Who an owned resource gives access to, for scope/grantee-is-principal; left out when
      // the type names no one (most resources), to keep the document small.
      if (owner !== null && action !== "delete" && typeof values === "object" && values !== null) {
        const grantees = targetGrantees(change.type, values as Record<string, unknown>);
        if (grantees !== undefined) view.grantees = grantees;
      }
      return view;
    },
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A record that exists after the plan: not deleted, not forgotten. */
function live(action: ChangeAction): boolean {
  return action === "create" || action === "update" || action === "replace" || action === "no-op";
}

/**
 * What `after` widens over `before`. `sameAddress`: the record was changed in place (or
 * replaced), so a new id or more resources are a re-declaration, and a later expiry is the
 * extension rule's to judge; a rename changes id and resources by nature and is judged on the
 * rest, a later expiry included (whatever its access level, a rename does not restart a clock).
 */
function widening(before: GrantView, after: GrantView, sameAddress: boolean, now: number): string[] {
  const widens: string[] = [];
  if (before.principalKey !== after.principalKey)
    widens.push(`principal ${String(before.principal)} -> ${String(after.principal)}`);
  if (before.target !== after.target)
    widens.push(`target ${String(before.target)} -> ${String(after.target)}`);
  if (accessEffect(String(before.access), String(after.access)) === "widened")
    widens.push(`access ${String(before.access)} -> ${String(after.access)}`);
  if (sameAddress && before.id !== after.id) widens.push(`id ${String(before.id)} -> ${String(after.id)}`);
  // Only a start still to come can move earlier: a grant that has begun gives no more access
  // for a new start in the past (or none, which begins now).
  if (before.startsAt !== null && before.startsAt > now && (after.startsAt ?? now) < before.startsAt)
    widens.push("an earlier start");
  // A rename with the same access is the rename rule's (removedUnexpired); with another
  // access level it is judged here, so that a narrower rename does not restart the clock either.
  if (
    !sameAddress &&
    before.accessKey !== after.accessKey &&
    before.expiresAt !== null &&
    before.expiresAt > now &&
    after.expiresAt !== null &&
    after.expiresAt > before.expiresAt
  )
    widens.push(`expiry ${String(before.expiresAtText)} -> ${String(after.expiresAtText)}`);
  if (sameAddress) {
    const had = new Set(before.resources);
    const added = after.resources.filter((address) => !had.has(address));
    if (added.length > 0) widens.push(`resources ${added.join(", ")}`);
  }
  return widens;
}

/** A break-glass grant's joined window (see {@link breakGlassWindows}). */
interface BreakGlassWindow {
  readonly span: number;
  readonly with: string[];
  /**
   * When the window holds a running grant with no recorded start: how far the window ends
   * past that grant's end, and its id. Such a grant may already have run for the whole cap.
   */
  readonly beyond?: { readonly seconds: number; readonly id: string };
}

/**
 * Break-glass grants of one person on one target that overlap or follow each other without
 * a gap, joined into one window: the cap applies to the window, not to each grant. A grant
 * already running (its record exists before the plan) began at its start; with none
 * recorded, nobody knows when it began, so it is taken to have begun before everything
 * else and to have used its whole cap: a window that ends after it is past the cap.
 */
/**
 * When a break-glass grant's access began. A new one: at its start, or now. One that existed
 * before the plan (kept, changed, replaced or deleted): at the earliest start it ever had, so
 * that moving its start later does not shorten the window; with none recorded, unknown
 * (-Infinity: it may have run for the whole cap).
 */
function beginOf(record: RecordSides, now: number): number {
  if (!record.before || record.action === "create") {
    const start = epochSecondsOrNull(record.after?.startsAt);
    return Math.max(start ?? now, now);
  }
  const before = epochSecondsOrNull(record.before.startsAt);
  if (before === null) return -Infinity;
  const after = epochSecondsOrNull(record.after?.startsAt);
  return Math.min(before, after ?? before);
}

function breakGlassWindows(
  records: readonly SidedRecord[],
  identities: Identities,
  now: number,
): Map<ResourceChangeJson, BreakGlassWindow> {
  interface Item {
    readonly change: ResourceChangeJson;
    readonly id: string;
    readonly begin: number;
    readonly end: number;
    readonly startUnknown: boolean;
  }
  const groups = new Map<string, Item[]>();
  for (const { change, sides: record } of records) {
    // A grant deleted in this plan still counts up to its end: one that ends as another
    // begins is one window with it. It is a member, never judged (it is not changing).
    const deleted = record.action === "delete";
    const side = deleted ? record.before : record.after;
    if (!side || (!deleted && !live(record.action)) || side.breakGlass !== true) continue;
    const end = epochSecondsOrNull(side.expiresAt);
    if (end === null) continue;
    const key = `${identities.key(side.principal)}|${targetKey(side.target)}`;
    const group = groups.get(key) ?? groups.set(key, []).get(key)!;
    group.push({ change, id: record.id, begin: beginOf(record, now), end, startUnknown: false });
  }
  for (const group of groups.values())
    for (const [index, item] of group.entries())
      if (item.begin === -Infinity) group[index] = { ...item, startUnknown: true };
  const windows = new Map<ResourceChangeJson, BreakGlassWindow>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => a.begin - b.begin);
    let joined: Item[] = [];
    const close = () => {
      if (joined.length > 1) {
        const latest = joined.reduce((last, item) => Math.max(last, item.end), -Infinity);
        const known = joined.filter((item) => !item.startUnknown);
        const span = known.length > 0 ? latest - known[0]!.begin : 0;
        // The running grant with no start that ends first: the window runs longest past it.
        const unknown = joined
          .filter((item) => item.startUnknown)
          .reduce<Item | undefined>(
            (first, item) => (first && first.end <= item.end ? first : item),
            undefined,
          );
        const beyond =
          unknown && latest > unknown.end ? { seconds: latest - unknown.end, id: unknown.id } : undefined;
        for (const [position, item] of joined.entries())
          windows.set(item.change, { span, with: othersIn(joined, position), ...(beyond ? { beyond } : {}) });
      }
      joined = [];
    };
    let end = -Infinity;
    for (const item of group) {
      if (item.begin > end) close();
      joined.push(item);
      end = Math.max(end, item.end);
    }
    close();
  }
  return windows;
}

/** The other grants of a break-glass window that a grant's view names; the rest are counted. */
const BREAK_GLASS_NAMED = 10;

/**
 * The ids of a window's grants other than the one at `position`: at most
 * {@link BREAK_GLASS_NAMED}, then how many more, so that a window of thousands of grants
 * does not give each of them the list of all the others (the square of their number).
 */
function othersIn(joined: readonly { readonly id: string }[], position: number): string[] {
  const others: string[] = [];
  for (let index = 0; index < joined.length && others.length < BREAK_GLASS_NAMED; index += 1)
    if (index !== position) others.push(joined[index]!.id);
  const more = joined.length - 1 - others.length;
  if (more > 0) others.push(`and ${more} more`);
  return others;
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

/** An indexed record with what the index read of it. */
interface SidedRecord extends IndexedRecord {
  readonly sides: RecordSides;
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
  // A record owns what it lists after the plan; a deleted one what it listed (its revocation).
  // A record whose after is no longer a record (edited into plain data) owns nothing; one
  // known only after apply keeps what it listed (unknown/known-at-plan denies it).
  const owning =
    action === "delete" ? before : (after ?? (recordUnknown(change).length > 0 ? before : undefined));
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
 * The record's attributes known only after apply, as the plan names them (`principal`,
 * `input.approvedBy[0]`); `*` when the whole value is. A `terraform_data` record is its
 * `input` (its `id` and `output` are computed and say nothing); a `tempgrant_grant`'s `id`
 * is known at plan time, and no other attribute is computed.
 */
function recordUnknown(change: ResourceChangeJson): string[] {
  const afterUnknown = change.change.after_unknown;
  if (afterUnknown === true) return ["*"];
  if (typeof afterUnknown !== "object" || afterUnknown === null) return [];
  const paths = unknownPaths(afterUnknown, "", []);
  if (change.type === LEGACY_GRANT_RECORD_TYPE)
    return paths.filter((path) => path === "input" || path.startsWith("input.") || path.startsWith("input["));
  return paths.filter((path) => path !== "id");
}

/**
 * A person's name as the policies compare it: NFKC, invisible characters dropped, trimmed,
 * lower case, then its alias if it has one (src/grant/identity.ts). Folded here, in
 * TypeScript, for every name the policies compare, because JavaScript and OPA fold Unicode
 * differently ("İ" lower-cases to "i̇" in one, "i" in the other).
 */
export function foldName(name: unknown, aliases: Readonly<Record<string, string>>): string {
  return foldPersonName(name, aliases);
}

/** `principal|target|access`, the principal by its identity key. */
export function accessKey(
  view: Pick<GrantRecord, "principal" | "target" | "access">,
  identities: Identities,
): string {
  return `${identities.key(view.principal)}|${String(view.target)}|${String(view.access)}`;
}

/** A record change's view without what needs the whole plan (widening, break-glass windows). */
type BaseRecordChange = Omit<
  RecordChange,
  "widens" | "predecessor" | "breakGlassSpan" | "breakGlassWith" | "breakGlassBeyond"
>;

/** What building a record's view needs besides the change. */
interface RecordContext {
  readonly identities: Identities;
  readonly approvals: ApprovalCheck | undefined;
  /** The plan's credential-bearing resources, by address (see record-credential.ts). */
  readonly credentials: ReadonlyMap<string, ResourceChangeJson>;
  /** Digests of planned records, computed once (see {@link afterDigest}). */
  readonly afterDigests: Map<GrantRecord, string | null>;
}

/** No evidence at all: nobody's approval verifies, and every name asked for is a problem. */
const NO_EVIDENCE: ApprovalCheck = {
  people: [],
  check: (_id, _digest, requested) => ({
    approvers: [],
    problems: requested.map((name) => ({
      person: String(name),
      reason:
        "named in approvedBy, but this check was given no approval evidence " +
        "(check the plan in its project, or pass --signatures or --reviews)",
    })),
  }),
};

/** A record's digest as approvals sign it; null when its credential is unreadable. */
function digestOf(record: GrantRecord, side: "before" | "after", context: RecordContext): string | null {
  const credential = credentialOf(
    Array.isArray(record.resources) ? record.resources : [],
    side,
    context.credentials,
  );
  return credential === undefined ? null : recordDigest(record, credential);
}

/** A planned record's digest, computed once: approvals are verified ahead over it, then its view uses it. */
function afterDigest(record: GrantRecord, context: RecordContext): string | null {
  let digest = context.afterDigests.get(record);
  if (digest === undefined) context.afterDigests.set(record, (digest = digestOf(record, "after", context)));
  return digest;
}

function grantChange(
  change: ResourceChangeJson,
  sides: RecordSides | undefined,
  context: RecordContext,
): BaseRecordChange | undefined {
  if (!sides) return undefined;
  const { action } = sides;
  const { identities } = context;
  const planned = action !== "delete";
  const expiryUnknown = recordExpiryUnknown(change);
  const before = sides.before
    ? view(sides.before, identities, digestOf(sides.before, "before", context), [])
    : null;
  let after: GrantView | null = null;
  let evidenceProblems: ApprovalResult["problems"] = [];
  if (sides.after) {
    const digest = afterDigest(sides.after, context);
    let approvers: readonly string[] = [];
    if (planned) {
      const requested: readonly unknown[] = Array.isArray(sides.after.approvedBy)
        ? sides.after.approvedBy
        : [];
      const result = (context.approvals ?? NO_EVIDENCE).check(sides.id, digest, requested);
      approvers = result.approvers;
      evidenceProblems = result.problems;
    }
    after = view(sides.after, identities, digest, approvers);
  }
  const base: Mutable<BaseRecordChange> = {
    address: change.address,
    id: sides.id,
    action,
    before,
    after: planned ? after : null,
    unknownExpiry: planned && (expiryUnknown || (after !== null && after.expiresAt === null)),
  };
  if (!planned) return base;
  // Defaults left out of the document (the policies read these with object.get).
  const unknown = recordUnknown(change);
  if (unknown.length > 0) base.unknown = unknown;
  if (sides.after) {
    const problems = [...grantTextProblems(sides.after), ...systemNameProblems(sides.after)];
    if (problems.length > 0) base.textProblems = problems.map(({ field, message }) => ({ field, message }));
    if (evidenceProblems.length > 0) base.evidenceProblems = evidenceProblems;
    if (after) {
      const names = after.approvers.map((name) => identities.fold(name));
      if (names.some((name, index) => name !== after!.approverKeys[index])) base.approverNames = names;
    }
  }
  return base;
}

/**
 * A record's target and access level must be names as grants.schema.json writes them (letters,
 * digits, `.`, `_`, `-`): a record that did not come through validation could otherwise name
 * one system in two spellings (`orders-db `, with a no-break space) and split what is
 * counted per system (break-glass windows, renames, per-target limits).
 */
function systemNameProblems(record: GrantRecord): { field: string; message: string }[] {
  return (["target", "access"] as const)
    .filter((field) => typeof record[field] !== "string" || !SYSTEM_NAME.test(record[field]))
    .map((field) => ({
      field,
      message: `${field} ${quoteValue(record[field])} is not a name of letters, digits, '.', '_' and '-' (as the stack's bindings name it)`,
    }));
}

const SYSTEM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function view(
  record: GrantRecord,
  identities: Identities,
  digest: string | null,
  approvers: readonly string[],
): GrantView {
  // The record's fields by name (one object shape for every grant), timestamps as epoch seconds.
  const { startsAt, expiresAt } = record;
  const approvedBy: readonly unknown[] = Array.isArray(record.approvedBy) ? record.approvedBy : [];
  // Keyed once: the access key is the same key with the target and access (see accessKey).
  const principalKey = identities.key(record.principal);
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
    accessKey: `${principalKey}|${targetKey(record.target)}|${targetKey(record.access)}`,
    principalKey,
    requestedByKey: identities.key(record.requestedBy),
    approvers,
    approverKeys: approvers.map((name) => identities.key(name)),
    digest,
    ...reasonLengthOf(record.reason),
  };
}

/**
 * A reason's length as a reader counts it, when that is not its length in code points: a
 * reason with combining marks (each rides on the letter before it, so a few letters loaded
 * with marks are not a long reason). Left out for the usual plain-ASCII reason.
 */
function reasonLengthOf(reason: unknown): { reasonLength?: number } {
  if (typeof reason !== "string" || PLAIN_ASCII.test(reason)) return {};
  return { reasonLength: [...reason.normalize("NFC").trim().replace(COMBINING_MARKS, "")].length };
}

const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const COMBINING_MARKS = /\p{M}/gu;

/**
 * A target or access level as keys compare it: in lower case, so that `Orders-DB` is not a
 * second system beside `orders-db` (a name outside the target pattern is refused by
 * identity/readable-text).
 */
function targetKey(name: unknown): string {
  return String(name).toLowerCase();
}

/**
 * The unknown paths of a change, less the attributes its provider computes when the
 * configuration leaves them out (a new queue's or bucket's policy): unknown then, they say
 * nothing. Set by an expression, or with no configuration in the plan to tell, they stay.
 */
function withoutUnsetComputed(
  change: ResourceChangeJson,
  unknown: string[],
  relations: PlanRelations,
): string[] {
  if (unknown.length === 0) return unknown;
  const computed = computedWhenUnset(change.type);
  if (computed.length === 0) return unknown;
  const configured = relations.configuredAttributes(change);
  if (configured === undefined) return unknown;
  const unset = computed.filter((attribute) => !configured.has(attribute));
  return unknown.filter((path) => !unset.some((attribute) => isPathIn(path, attribute)));
}

/** Summarizes a plan's action list. */
export function summarize(actions: readonly string[]): ChangeAction {
  if (actions.length === 2 && actions.includes("delete") && actions.includes("create")) return "replace";
  // Forgotten and created again (`lifecycle { destroy = false }`), in either order: what is
  // forgotten stays in the target with nothing to revoke it, so the forget is what counts.
  if (actions.includes("forget")) return "forget";
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
    // for-in, not Object.entries: one entry array less per key of every resource change.
    for (const key in value)
      if (Object.hasOwn(value, key))
        unknownPaths((value as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}
