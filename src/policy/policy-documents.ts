import type { GrantChange, PolicyInput, ResourceView } from "../plan/index.js";

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
  readonly removedUnexpired: PolicyInput["removedUnexpired"];
}

/**
 * Splits the policy input into documents of about `itemsPerDocument` items (a grant, or a
 * resource), each complete in itself: a grant travels with the resources it owns, every
 * resource is in exactly one document (two records that share an id share theirs), and the
 * index of removed grants goes to each. With no limit, the whole input is one document.
 * Lazy, so the caller can encode and send one document while the next is built.
 */
export function* policyDocuments(
  input: PolicyInput,
  itemsPerDocument = Number.POSITIVE_INFINITY,
): Generator<PolicyDocument> {
  let grants: GrantDocument[] = [];
  let resources: ResourceView[] = [];
  let indexes = new Map<ResourceView, number>();
  const indexOf = (resource: ResourceView): number => {
    let index = indexes.get(resource);
    if (index === undefined) {
      index = resources.push(resource) - 1;
      indexes.set(resource, index);
    }
    return index;
  };
  const full = () => grants.length + resources.length >= itemsPerDocument;
  const take = (): PolicyDocument => {
    const document = { now: input.now, grants, resources, removedUnexpired: input.removedUnexpired };
    grants = [];
    resources = [];
    indexes = new Map();
    return document;
  };

  let emitted = false;
  for (const grant of input.grants) {
    const { owned, ...change } = grant;
    grants.push({ ...change, owned: owned.map(indexOf) });
    if (full()) {
      emitted = true;
      yield take();
    }
  }
  for (const resource of input.resources) {
    if (resource.owner !== null) continue;
    indexOf(resource);
    if (full()) {
      emitted = true;
      yield take();
    }
  }
  if (!emitted || grants.length + resources.length > 0) yield take();
}
