/**
 * One side of an audit diff: the managed resources of a state (or of a plan's prior state
 * or planned values), with their attribute values decoded the same way whatever file they
 * came from, so the comparison never needs to know which format it read.
 */
export interface Snapshot {
  /** The file it was read from, as given on the command line. */
  readonly source: string;
  readonly kind: SnapshotKind;
  /** The state's serial, when the file says it (raw state files). */
  readonly serial?: number;
  /** Managed resources only (data sources grant nothing), in file order. */
  readonly resources: readonly SnapshotResource[];
}

/**
 * What a snapshot was read from: `state` is `show -json` of a state, `raw-state` a .tfstate
 * file (version 4), `plan-prior` and `plan-planned` the two halves of `show -json` of a plan.
 */
export type SnapshotKind = "state" | "raw-state" | "plan-prior" | "plan-planned";

/** One resource instance, by its full address (`module.m.type.name["key"]`). */
export interface SnapshotResource {
  readonly address: string;
  readonly type: string;
  /** Attribute values as `show -json` prints them (dynamic values unwrapped). */
  readonly values: Readonly<Record<string, unknown>>;
}
