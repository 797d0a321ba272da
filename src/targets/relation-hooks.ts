import { withoutLastInstanceKey } from "../grant/instance-keys.js";

/**
 * What of a target's resources others in the same plan may refer to, and how they are found.
 * A target declares the indexes it keeps (AWS: its policies by ARN and by address; Kubernetes:
 * its roles by role key); plan/ fills them while it indexes the plan, knowing no type names,
 * and the target's own readers look them up through {@link RelationLookups}.
 */

/**
 * One index of a plan's referable resources. Compared by identity, so two targets' indexes
 * never mix; `name` is for messages and tests. `Value` is what an entry holds there.
 */
export interface RelationIndex<Value = unknown> {
  readonly name: string;
  /** Never set: carries the type of the values, so a lookup returns what was indexed. */
  readonly valueType?: Value;
}

/** Declares an index holding values of type `Value`. */
export function relationIndex<Value = undefined>(name: string): RelationIndex<Value> {
  return { name };
}

/** One place a referable resource is found: an index, its key there, and what it holds. */
export interface RelationEntry<Value = unknown> {
  readonly index: RelationIndex<Value>;
  readonly key: string;
  readonly value: Value;
}

/** An entry of `index`, typed by it. */
export function relationEntry<Value>(index: RelationIndex<Value>, key: string, value: Value): RelationEntry {
  return { index, key, value };
}

/**
 * Attributes whose value, known only after apply, is a reference in the configuration to one
 * referable resource of the same module instance: `<type>.<NAME>.<attribute>`, optionally with
 * an instance key (the AWS binding's `policy_arn = aws_iam_policy.NAME.arn`).
 */
export interface ConfigReference {
  /** The referring type's attributes that may hold the reference. */
  readonly attributes: readonly string[];
  /** The referable type the reference must name (`aws_iam_policy`). */
  readonly type: string;
  /** Its attribute the reference must read (`arn`). */
  readonly attribute: string;
  /** The index keeping resources of `type` by {@link addressWithoutInstanceKey}. */
  readonly byAddress: RelationIndex;
}

/** A target's relation hooks: which of its types are referred to, how they are indexed, what refers to them. */
export interface RelationHooks {
  /** Whether resources of this type may be referred to: only these are indexed. */
  referable(type: string): boolean;
  /**
   * Index a resource only when the plan writes it (creates, updates or replaces it, not
   * importing it): a grant that merely lists an existing resource did not make it, so what
   * refers to it is not the grant's own. Unset: whatever exists after the plan is indexed.
   */
  readonly writtenOnly?: boolean;
  /**
   * Where a referable resource that exists after the plan is found. `values` are its planned
   * values (null when the plan has none); `address` its full address.
   */
  entries(type: string, address: string, values: Record<string, unknown> | null): readonly RelationEntry[];
  /** Referring type -> the reference its attributes may hold, unknown until apply. */
  readonly references: Readonly<Record<string, ConfigReference>>;
}

/** How a target's readers find what the plan indexed (ScopeContext.relations). */
export interface RelationLookups {
  /** What the last resource indexed under `key` in `index` holds; undefined when there is none. */
  value<Value>(index: RelationIndex<Value>, key: string): Value | undefined;
  /** Whether a resource indexed under `key` in `index` belongs to grant `owner` (never for null). */
  heldFor(index: RelationIndex, key: string, owner: string | null): boolean;
}

/** `aws_iam_policy.p[0]` -> `aws_iam_policy.p`: the resource's instance key dropped, its modules' kept. */
export const addressWithoutInstanceKey = withoutLastInstanceKey;
