import type { VerifiedEvidence } from "../../approval/evidence-set.js";
import type { GrantRecord } from "../../grant/record.js";
import type { Verdict } from "../../policy/verdict.js";
/*
 * The ledger's stored shapes: its own, not whatever a pipeline returns. The pipelines
 * (src/apply/, src/sweep/) map their results to these events; a change here is a change of
 * the stored, hash-chained format (docs/audit.md), so it comes with a new version.
 */

/**
 * The version of the event format this tempgrant writes: the append stamps it on every event
 * (`"version":2`). Events of version 1 carry no `version` key (every ledger written before
 * version 2). Version 2 changed one thing: a sweep event's `revoked[].record` is the record as
 * written, where a full sweep of version 1 stored the policy's view of it (docs/audit.md).
 */
export const LEDGER_EVENT_VERSION = 2;

/** The event versions this tempgrant reads; a reader refuses any other rather than misread it. */
export const LEDGER_EVENT_VERSIONS_READ = [1, 2] as const;

/** A version this tempgrant reads. */
export type LedgerEventVersion = (typeof LEDGER_EVENT_VERSIONS_READ)[number];

/** The version an event was written in: its `version`, or 1 when it has none (or one not read). */
export function eventVersion(event: object): LedgerEventVersion {
  const { version } = event as { readonly version?: unknown };
  return LEDGER_EVENT_VERSIONS_READ.find((known) => known === version) ?? 1;
}

/** What every event carries besides its own fields. */
export interface VersionedEvent {
  /** The format it was written in; absent in version 1. The append writes it, after `type`. */
  readonly version?: LedgerEventVersion;
}

/** `prev` of the first entry: there is nothing before it. */
export const GENESIS_PREV = "0".repeat(64);

/** A grant record an applied plan created, updated, replaced or deleted. */
export interface AppliedGrant {
  readonly action: "create" | "update" | "delete" | "replace";
  /** The record as the plan wrote it, after the change; for a delete, the record that was deleted. */
  readonly record: GrantRecord;
  /**
   * The grant digest the check recomputed from the record (src/approval/record-digest.ts),
   * for a created or changed grant; absent for a delete and in older events.
   */
  readonly digest?: string;
  /**
   * The evidence that verified over {@link digest} when the plan was checked: each signature
   * whole (so `audit verify --approvals` can verify it again from the ledger and the
   * allowed-signers file alone) and each approving review (which only GitHub can confirm).
   */
  readonly approvals?: readonly VerifiedEvidence[];
}

/** `tempgrant apply` applied one stack's checked plan. */
export interface ApplyEvent extends VersionedEvent {
  readonly type: "apply";
  /** The run's clock (`--now`), RFC 3339 UTC. */
  readonly now: string;
  readonly stack: string;
  readonly planSha256: string;
  readonly stateSerialBefore: number | null;
  readonly stateSerialAfter: number | null;
  readonly grants: readonly AppliedGrant[];
  readonly warnings: readonly Verdict[];
}

/** A grant a sweep revoked (or, in a dry run, would revoke). */
export interface RevokedGrantEntry {
  readonly id: string;
  /**
   * Version 2: the grant record as the plan or the state wrote it, the shape apply events
   * store ({@link GrantRecord}; for a leftover, as the memory had it, or null). Version 1
   * stored the policy's view for a full sweep: read it with `revokedRecord` (sweep-records.ts).
   */
  readonly record: unknown;
  readonly addresses: readonly string[];
  /** The record was already gone: these resources were left by an interrupted revocation. */
  readonly leftover?: true;
}

/** A change a sweep left for `tempgrant apply`: a new grant, drift, anything not a revocation. */
export interface PendingChange {
  readonly address: string;
  readonly action: string;
}

/** What a target itself said about one revoked grant after the apply. */
export interface TargetCheckEntry {
  readonly grant: string;
  /** Which check ran, for example `postgresql`. */
  readonly method: string;
  readonly ok: boolean;
  /** What was found, for people: `role tg_x gone, 1 session ended`. */
  readonly detail: string;
}

/** Wall-clock seconds of each step of a sweep (docs/sweep.md); `synth` once per run. */
export type SweepPhasesEntry = Readonly<Record<"init" | "plan" | "check" | "apply" | "verify", number>> & {
  readonly synth?: number;
};

/**
 * `tempgrant sweep` finished one stack. Its `revoked[].record` is the record as written, like
 * the apply event's {@link GrantRecord} (from version 2; see {@link RevokedGrantEntry}).
 */
export interface SweepEvent extends VersionedEvent {
  readonly type: "sweep";
  readonly stack: string;
  /** The run's clock, RFC 3339 UTC. */
  readonly now: string;
  readonly dryRun: boolean;
  readonly revoked: readonly RevokedGrantEntry[];
  readonly pending: readonly PendingChange[];
  /** sha256 of the saved plan that was applied; null when nothing was applied. */
  readonly planSha256: string | null;
  readonly stateSerialBefore: number | null;
  readonly stateSerialAfter: number | null;
  /**
   * A re-plan after apply shows no revocation still pending, the state holds no resource of an
   * expired grant or of a grant whose record is gone, and every target check passed.
   */
  readonly verified: boolean;
  /** What the targets themselves said after the apply; absent from degraded sweeps and older events. */
  readonly targetChecks?: readonly TargetCheckEntry[];
  readonly durationSeconds: number;
  /** Seconds per step; absent from events recorded before it existed. */
  readonly phases?: SweepPhasesEntry;
  /** Grants that failed validation at sweep time, revoked as not active. */
  readonly invalidGrants: readonly string[];
  /** The next expiry among the grants left, RFC 3339 UTC; null for none. */
  readonly nextExpiry: string | null;
  /**
   * Present when the sweep ran degraded: it could not use this run's synthesized configuration
   * (the app failed, hung, or did not synthesize this stack; or the plan failed), so it revoked
   * from the state alone (docs/sweep.md, "Degraded mode"). Absent from events of normal runs
   * and from events written before it existed.
   */
  readonly degraded?: SweepDegradation;
  /**
   * `state` when the sweep took the fast path: nothing the app reads changed since the last
   * full sweep, so the app did not run and the expired grants were revoked from the state
   * (docs/sweep.md, "The fast path"). Absent for a full sweep (the app ran at the clock, the
   * stack was planned in full), as in every event written before it existed.
   */
  readonly path?: "state";
}

/** Why a sweep ran degraded, and what it could not know. */
export interface SweepDegradation {
  /** What failed, for people: the app's error, the timeout, the missing stack, the failed plan. */
  readonly reason: string;
  /**
   * Grants whose records the state holds and that have not expired at the run's clock: they may
   * have been removed from the code, which only a good synth can tell, so they were left in place.
   */
  readonly unknownGrants: readonly { readonly id: string; readonly expiresAt: string | null }[];
  /** The configuration the revocation plan ran against: `last-good` (kept from an earlier sweep) or `current`. */
  readonly configuration: "last-good" | "current";
}

/**
 * A revocation the ledger never recorded (an earlier sweep could not write it): the ledger's
 * apply events left these grants open, but the state held none of their resources when this
 * sweep read it. `now` is this sweep's clock: the access ended at or before it.
 */
export interface RecoveredEvent extends VersionedEvent {
  readonly type: "recovered";
  readonly stack: string;
  readonly now: string;
  /** Ids of the grants found gone. */
  readonly grants: readonly string[];
  readonly reason: string;
}

/**
 * A sweep is about to apply a checked revocation plan: written before acting, so that a
 * sweep killed mid-apply still shows in the ledger where it stopped.
 */
export interface SweepStartedEvent extends VersionedEvent {
  readonly type: "sweep-started";
  readonly stack: string;
  readonly now: string;
  /** Ids of the grants the plan revokes. */
  readonly grants: readonly string[];
  readonly planSha256: string;
}

/** After a sweep applied revocations, whether a re-plan showed none left, and what the targets said. */
export interface VerificationEvent extends VersionedEvent {
  readonly type: "verification";
  readonly stack: string;
  readonly now: string;
  /** Ids of the grants whose revocation was verified (or not). */
  readonly grants: readonly string[];
  readonly verified: boolean;
  /** `re-plan`, plus the target checks that ran (`re-plan+postgresql`). */
  readonly method: string;
  /** The checks inside the targets (PostgreSQL: role gone, sessions ended); absent before they existed. */
  readonly targetChecks?: readonly TargetCheckEntry[];
}

/** A step failed; the command exited with an error after recording it. */
export interface FailureEvent extends VersionedEvent {
  readonly type: "failure";
  /** The command step that failed, for example `sweep` or `apply`. */
  readonly step: string;
  readonly now: string;
  readonly stack: string;
  readonly error: string;
  /**
   * For a failed `apply`: the grant records its plan changes, some of which the engine may
   * have made before it failed. The sweep's ownership memory reads them; `audit who` does not
   * open windows from them. Absent from other failures and from older events.
   */
  readonly grants?: readonly AppliedGrant[];
}

/** Every event the ledger holds, told apart by `type`. */
export type LedgerEvent =
  ApplyEvent | SweepStartedEvent | SweepEvent | VerificationEvent | FailureEvent | RecoveredEvent;

/** The event types this version writes and reads. */
export const LEDGER_EVENT_TYPES: readonly LedgerEvent["type"][] = [
  "apply",
  "sweep-started",
  "sweep",
  "verification",
  "failure",
  "recovered",
];

/** The hashed part of an entry: everything but `hash`. */
export interface LedgerFields {
  /** 1 for the first line, then +1 per line. */
  readonly seq: number;
  /** The previous entry's hash; {@link GENESIS_PREV} for the first. */
  readonly prev: string;
  /** Wall-clock time of the append, RFC 3339 UTC, whole seconds (not the run's `--now`). */
  readonly at: string;
  readonly event: LedgerEvent;
}

/** One line of the ledger. */
export interface LedgerEntry extends LedgerFields {
  /** sha256 (hex) of the RFC 8785 canonical JSON of the {@link LedgerFields}. */
  readonly hash: string;
}

/** A line parsed, or why it is not a ledger entry. */
export type ParsedLine =
  { readonly ok: true; readonly entry: LedgerEntry } | { readonly ok: false; readonly why: string };

const HEX64 = /^[0-9a-f]{64}$/;
const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const KEYS = ["at", "event", "hash", "prev", "seq"];

/**
 * Parses one line's shape: exactly the five keys (a key outside the hash would be an
 * unprotected place to hide data), each of the right form. Does not check the hash or the chain.
 */
export function parseLedgerLine(text: string): ParsedLine {
  if (text.trim() === "") return { ok: false, why: "empty line" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, why: "not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, why: "not a JSON object" };
  }
  const record = value as Record<string, unknown>;
  if ("type" in record && !("seq" in record)) {
    return {
      ok: false,
      why: "an event with no chain (a ledger from before hash chaining? see docs/audit.md)",
    };
  }
  const keys = Object.keys(record).sort();
  if (keys.join() !== KEYS.join()) {
    const missing = KEYS.filter((key) => !(key in record));
    const extra = keys.filter((key) => !KEYS.includes(key));
    return {
      ok: false,
      why: [
        missing.length > 0 ? `missing ${missing.join(", ")}` : "",
        extra.length > 0 ? `unexpected ${extra.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; "),
    };
  }
  const { seq, prev, at, event, hash } = record;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) {
    return { ok: false, why: "seq is not a positive integer" };
  }
  if (typeof prev !== "string" || !HEX64.test(prev)) return { ok: false, why: "prev is not 64 hex digits" };
  if (typeof hash !== "string" || !HEX64.test(hash)) return { ok: false, why: "hash is not 64 hex digits" };
  if (typeof at !== "string" || !UTC_SECONDS.test(at) || Number.isNaN(Date.parse(at))) {
    return { ok: false, why: "at is not an RFC 3339 UTC time in whole seconds" };
  }
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    return { ok: false, why: "event is not an object" };
  }
  const type = (event as { type?: unknown }).type;
  if (!LEDGER_EVENT_TYPES.includes(type as LedgerEvent["type"])) {
    return { ok: false, why: `unknown event type ${JSON.stringify(type)}` };
  }
  if ("version" in event) {
    const version = (event as { version?: unknown }).version;
    if (!LEDGER_EVENT_VERSIONS_READ.includes(version as LedgerEventVersion)) {
      return {
        ok: false,
        why: `event version ${JSON.stringify(version)} is not one this tempgrant reads (${LEDGER_EVENT_VERSIONS_READ.join(", ")}): upgrade tempgrant`,
      };
    }
  }
  return { ok: true, entry: { seq, prev, at, event: event as LedgerEvent, hash } };
}
