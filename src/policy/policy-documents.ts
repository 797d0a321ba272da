import type { GrantChange, PlanIndex, PolicyInput, ResourceView } from "../plan/index.js";
import type { IndexedRecord } from "../plan/plan-index.js";
import type { ResourceChangeJson } from "../plan/plan-json.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A grant as the policies receive it: `owned` holds indexes into its document's `resources`. */
export interface GrantDocument extends Omit<GrantChange, "owned"> {
  readonly owned: readonly number[];
}

/** One input document, as the policies receive it (`input` in Rego). */
export interface PolicyDocument {
  readonly now: number;
  readonly grants: readonly GrantDocument[];
  /** Every resource change of this document, each once; grants point at theirs by index. */
  readonly resources: readonly ResourceView[];
  /**
   * The unexpired removed grants this document's created grants could continue (by their
   * access keys): what the rename check looks up. The whole map when the plan is one document.
   */
  readonly removedUnexpired: PolicyInput["removedUnexpired"];
}

/**
 * The entries of `removed` that the created grants among `grants` look up: a part carries
 * what its own grants need, not every removal of the plan (which made a plan of many
 * removals cost the square of their number). With one document, the whole map.
 */
function removedFor(
  grants: readonly Pick<GrantChange, "action" | "after">[],
  removed: PolicyInput["removedUnexpired"],
  whole: boolean,
  none: boolean,
): PolicyInput["removedUnexpired"] {
  if (whole || none) return removed;
  let part: Record<string, PolicyInput["removedUnexpired"][string]> | undefined;
  for (const grant of grants) {
    if (grant.action !== "create" || !grant.after) continue;
    const key = grant.after.accessKey;
    const entries = Object.hasOwn(removed, key) ? removed[key] : undefined;
    if (entries !== undefined) (part ??= {})[key] = entries;
  }
  return part ?? NO_REMOVALS;
}

const NO_REMOVALS: PolicyInput["removedUnexpired"] = Object.freeze({});

/** Whether an object has no key (asked once per plan: for-in lists every key first). */
function isEmpty(object: object): boolean {
  for (const _key in object) return false;
  return true;
}

/** The members of one document before any view is built: grants with their resources' positions. */
interface Layout<G, R> {
  readonly grants: readonly { readonly grant: G; readonly owned: readonly number[] }[];
  readonly resources: readonly R[];
}

/**
 * Splits grants and resources into documents of about `itemsPerDocument` items (a grant, or
 * a resource), each complete in itself: a grant travels with the resources it owns, every
 * resource is in exactly one document (two records that share an id share theirs). With no
 * limit, everything is one document. Lazy, so that a caller can evaluate one document (or
 * hand it to a helper thread) before the next one's views are built.
 */
function* layouts<G, R>(
  grants: readonly G[],
  ownedOf: (grant: G) => readonly R[],
  unowned: Iterable<R>,
  itemsPerDocument: number,
): Generator<Layout<G, R>> {
  let members: { grant: G; owned: number[] }[] = [];
  let resources: R[] = [];
  let indexes = new Map<R, number>();
  const indexOf = (resource: R): number => {
    let index = indexes.get(resource);
    if (index === undefined) {
      index = resources.push(resource) - 1;
      indexes.set(resource, index);
    }
    return index;
  };
  const full = () => members.length + resources.length >= itemsPerDocument;
  const take = (): Layout<G, R> => {
    const layout = { grants: members, resources };
    members = [];
    resources = [];
    indexes = new Map();
    return layout;
  };

  let emitted = false;
  // Resources no grant owns come first: their views need no approval, so the approvals
  // verified ahead on other threads (PlanIndex.verifyApprovalsAhead) are in by the grants' turn.
  for (const resource of unowned) {
    indexOf(resource);
    if (full()) {
      emitted = true;
      yield take();
    }
  }
  for (const grant of grants) {
    members.push({ grant, owned: ownedOf(grant).map(indexOf) });
    if (full()) {
      emitted = true;
      yield take();
    }
  }
  if (!emitted || members.length + resources.length > 0) yield take();
}

/** The documents of a policy input whose views are all built already. */
export function* policyDocuments(
  input: PolicyInput,
  itemsPerDocument = Number.POSITIVE_INFINITY,
): Generator<PolicyDocument> {
  const unowned = input.resources.filter((resource) => resource.owner === null);
  const whole = itemsPerDocument === Number.POSITIVE_INFINITY;
  // Most plans remove no grant: then no part looks up its grants' keys.
  const none = isEmpty(input.removedUnexpired);
  for (const layout of layouts(input.grants, (grant) => grant.owned, unowned, itemsPerDocument)) {
    const grants = layout.grants.map(({ grant: { owned: _owned, ...change }, owned }) => ({
      ...change,
      owned,
    }));
    yield {
      now: input.now,
      grants,
      resources: layout.resources,
      removedUnexpired: removedFor(grants, input.removedUnexpired, whole, none),
    };
  }
}

/**
 * The documents of an indexed plan, the same as {@link policyDocuments} of its whole input,
 * each document's views built only as it is reached: its evaluation can start before the
 * rest of the plan is normalized.
 */
export function* indexedDocuments(
  index: PlanIndex,
  itemsPerDocument = Number.POSITIVE_INFINITY,
): Generator<PolicyDocument> {
  const whole = itemsPerDocument === Number.POSITIVE_INFINITY;
  // Most plans remove no grant: then no part looks up its grants' keys.
  const none = isEmpty(index.removedUnexpired);
  const unowned = index.resources.filter((change) => !index.ownerOf.has(change.address));
  const ownedOf = (record: IndexedRecord) => index.ownedBy.get(record.id) ?? [];
  for (const layout of layouts<IndexedRecord, ResourceChangeJson>(
    index.records,
    ownedOf,
    unowned,
    itemsPerDocument,
  )) {
    // Each view is a new object: given its positions in place rather than copied with them.
    const grants = layout.grants.map(({ grant, owned }) => {
      const document = index.recordChange(grant.change) as Mutable<GrantDocument>;
      document.owned = owned;
      return document as GrantDocument;
    });
    yield {
      now: index.now,
      grants,
      resources: layout.resources.map((change) => index.resourceView(change)),
      removedUnexpired: removedFor(grants, index.removedUnexpired, whole, none),
    };
  }
}
