import { isGrantRecord, type GrantRecord } from "../grant/record.js";
import { epochSecondsOrNull, parseTimestamp } from "../grant/time.js";
import { isExpiryBearing, nativeExpiryOf } from "./native-expiry.js";
import type { PlanJson, ResourceChangeJson } from "./plan-json.js";
import { DEFAULT_PRIVILEGED_TYPES, typeMatcher } from "./privileged-types.js";
import { grantedScope, type GrantedScope } from "./scope.js";

/** A change's actions, summarized. `replace` is delete+create in either order. */
export type ChangeAction = "create" | "update" | "delete" | "replace" | "no-op" | "read" | "forget";

/** A grant record as the policy sees it: timestamps as epoch seconds (null when unknown or invalid). */
export interface GrantView extends Omit<GrantRecord, "startsAt" | "expiresAt" | "tempgrant"> {
  readonly startsAt: number | null;
  readonly expiresAt: number | null;
  /** The expiry as written in the record, for messages. */
  readonly expiresAtText: string | null;
  /**
   * `principal|target|access`, the principal folded (case, blanks, aliases): the policies match
   * a created grant with a removed one by it. Folded here, once, for both sides, because
   * JavaScript and OPA fold Unicode differently ("İ" lower-cases to "i̇" in one, "i" in the other).
   */
  readonly accessKey: string;
}

/** A grant record's change in the plan. */
export interface GrantChange {
  readonly address: string;
  readonly id: string;
  readonly action: ChangeAction;
  readonly before: GrantView | null;
  readonly after: GrantView | null;
  /** True when the planned record's input (or its expiry) is only known after apply. */
  readonly unknownExpiry: boolean;
  /** The resource changes this grant owns, grouped here so policies never scan all resources per grant. */
  readonly owned: readonly ResourceView[];
}

/** One resource change, as the policy sees it. */
export interface ResourceView {
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  /** The id of the grant record that lists this address; null for none. */
  readonly owner: string | null;
  readonly privileged: boolean;
  /** Attribute paths whose planned value is unknown until apply. */
  readonly unknown: readonly string[];
  /** The expiry the target enforces by itself (epoch seconds), when it has one. */
  readonly nativeExpiry: number | null;
  /** Whether this type can carry a native expiry that tempgrant reads (role VALID UNTIL, IAM conditions). */
  readonly expiryBearing: boolean;
  readonly scope: GrantedScope;
}

/** The compact input every policy evaluates. */
export interface PolicyInput {
  /** The instant the checks are made at (epoch seconds). */
  readonly now: number;
  readonly grants: readonly GrantChange[];
  readonly resources: readonly ResourceView[];
  /**
   * Unexpired grants this plan removes, by access key (`principal|target|access`,
   * principal folded like approver names), so a rename that restarts the clock is found by lookup.
   */
  readonly removedUnexpired: Readonly<Record<string, readonly Omit<GrantChange, "owned">[]>>;
}

/** Options of {@link toPolicyInput}. */
export interface PolicyInputOptions {
  /** Overrides the plan's own timestamp (`--now`). */
  readonly now?: number;
  /** Used when neither `now` nor the plan's timestamp is there (older Terraform). */
  readonly fallbackNow: number;
  /** Globs of privileged resource types; default {@link DEFAULT_PRIVILEGED_TYPES}. */
  readonly privilegedTypes?: readonly string[];
  /**
   * Other spellings of people (lower case), folded into one name in access keys. Required:
   * a caller that forgot them would let a rename under another spelling restart a clock.
   */
  readonly aliases: Readonly<Record<string, string>>;
}

/** Turns a plan into the policy input: grant records, resource changes, owners, unknowns. */
export function toPolicyInput(plan: PlanJson, options: PolicyInputOptions): PolicyInput {
  const planTime = plan.timestamp === undefined ? undefined : parseTimestamp(plan.timestamp);
  const now = options.now ?? (planTime?.ok ? planTime.instant.seconds : options.fallbackNow);
  const isPrivileged = memoizedByType(typeMatcher(options.privilegedTypes ?? DEFAULT_PRIVILEGED_TYPES));
  const changes = plan.resource_changes ?? [];

  // One pass over the records first: a resource can come before the record that lists it.
  const grants: GrantChange[] = [];
  const owned = new Map<string, ResourceView[]>();
  const owners = new Map<string, string>();
  for (const change of changes) {
    const grant = grantChange(change, options.aliases);
    if (!grant) continue;
    // Records that share an id share one list, as they share their resources' owner.
    const list = owned.get(grant.id) ?? [];
    owned.set(grant.id, list);
    grants.push({ ...grant, owned: list });
    // A deleted record owns what it listed before; any other owns what it will list.
    const view = grant.action === "delete" ? grant.before : (grant.after ?? grant.before);
    for (const address of view?.resources ?? []) owners.set(address, grant.id);
  }

  const resources: ResourceView[] = [];
  for (const change of changes) {
    if ((change.mode ?? "managed") !== "managed") continue;
    const action = summarize(change.change.actions);
    const values = action === "delete" ? change.change.before : change.change.after;
    const owner = owners.get(change.address) ?? null;
    const resource: ResourceView = {
      address: change.address,
      type: change.type,
      action,
      owner,
      privileged: isPrivileged(change.type),
      unknown: unknownPaths(change.change.after_unknown, "", []),
      nativeExpiry: nativeExpiryOf(change.type, values) ?? null,
      expiryBearing: isExpiryBearing(change.type, values),
      scope: grantedScope(change.type, values),
    };
    resources.push(resource);
    if (owner !== null) owned.get(owner)?.push(resource);
  }

  const removedUnexpired: Record<string, Omit<GrantChange, "owned">[]> = {};
  for (const grant of grants) {
    if (
      grant.action !== "delete" ||
      !grant.before ||
      grant.before.expiresAt === null ||
      grant.before.expiresAt <= now
    )
      continue;
    const { owned: _owned, ...record } = grant;
    (removedUnexpired[grant.before.accessKey] ??= []).push(record);
  }
  return { now, grants, resources, removedUnexpired };
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

/** `principal|target|access`, the principal folded: trimmed, lower case, then its alias if it has one. */
export function accessKey(
  view: Pick<GrantRecord, "principal" | "target" | "access">,
  aliases: Readonly<Record<string, string>>,
): string {
  const name = String(view.principal ?? "")
    .trim()
    .toLowerCase();
  return `${aliases[name] ?? name}|${String(view.target)}|${String(view.access)}`;
}

function grantChange(
  change: ResourceChangeJson,
  aliases: Readonly<Record<string, string>>,
): Omit<GrantChange, "owned"> | undefined {
  if (change.type !== "terraform_data") return undefined;
  const beforeInput = (change.change.before as { input?: unknown } | null | undefined)?.input;
  const afterInput = (change.change.after as { input?: unknown } | null | undefined)?.input;
  const afterUnknown = change.change.after_unknown as { input?: unknown } | undefined;
  const inputUnknown = afterUnknown?.input === true;
  const expiryUnknown =
    inputUnknown ||
    (typeof afterUnknown?.input === "object" &&
      (afterUnknown.input as { expiresAt?: unknown }).expiresAt === true);
  const before = isGrantRecord(beforeInput) ? view(beforeInput, aliases) : null;
  const after = isGrantRecord(afterInput) ? view(afterInput, aliases) : null;
  if (!before && !after && !inputUnknown) return undefined;
  if (!before && !after) return undefined;
  const action = summarize(change.change.actions);
  return {
    address: change.address,
    id: (after ?? before)?.id ?? change.address,
    action,
    before,
    after: action === "delete" ? null : after,
    unknownExpiry: action !== "delete" && (expiryUnknown || (after !== null && after.expiresAt === null)),
  };
}

function view(record: GrantRecord, aliases: Readonly<Record<string, string>>): GrantView {
  // The record's fields by name (one object shape for every grant), timestamps as epoch seconds.
  const { startsAt, expiresAt } = record;
  return {
    id: record.id,
    principal: record.principal,
    target: record.target,
    access: record.access,
    reason: record.reason,
    ticket: record.ticket,
    requestedBy: record.requestedBy,
    approvedBy: Array.isArray(record.approvedBy) ? record.approvedBy : [],
    breakGlass: record.breakGlass,
    binding: record.binding,
    nativeExpiry: record.nativeExpiry,
    resources: Array.isArray(record.resources) ? record.resources : [],
    startsAt: epochSecondsOrNull(startsAt),
    expiresAt: epochSecondsOrNull(expiresAt),
    expiresAtText: typeof expiresAt === "string" ? expiresAt : null,
    accessKey: accessKey(record, aliases),
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
