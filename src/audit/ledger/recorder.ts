import { wrapStep } from "../../errors.js";
import { appendLedgerEvent, stampedEvent } from "./append.js";
import type { AppliedGrant, FailureEvent, LedgerEvent } from "./entry.js";
import { readLedgerHead } from "./tail.js";

/**
 * The ledger as a pipeline writes to it (`apply`, `sweep`): the check before any work that
 * an append could chain, appending, and the failure event, in one place.
 */
export interface LedgerRecorder {
  readonly path: string;
  /**
   * Appends the event. When the append fails: with `onUnrecorded`, the event is handed to it
   * and counted (a sweep's revocation must not wait on the ledger); without, it throws
   * `ledger: ...` (an apply stops).
   */
  record(event: LedgerEvent): Promise<void>;
  /** Events that could not be appended and went to `onUnrecorded`. */
  unrecorded(): number;
}

/** Options of {@link openLedgerRecorder}. */
export interface RecorderOptions {
  /** Take an event the ledger refused, as it would have been written (the sweep prints it); absent: refusal is an error. */
  readonly onUnrecorded?: (event: LedgerEvent, error: string) => void;
  /** Record nothing (a dry run). */
  readonly dryRun?: boolean;
}

/**
 * Checks that the ledger's head can be chained onto, before anything is done: a ledger an
 * append would refuse must stop an apply before it applies, not after. Throws `ledger: ...`.
 */
export async function checkLedgerHead(path: string): Promise<void> {
  await readLedgerHead(path).catch((error: unknown) => {
    throw wrapStep("ledger", error);
  });
}

/** A recorder for the ledger at `path` (see {@link LedgerRecorder}). */
export function openLedgerRecorder(path: string, options: RecorderOptions = {}): LedgerRecorder {
  let unrecorded = 0;
  return {
    path,
    async record(event) {
      if (options.dryRun) return;
      try {
        await appendLedgerEvent(path, event);
      } catch (error) {
        if (!options.onUnrecorded) throw wrapStep("ledger", error);
        unrecorded += 1;
        options.onUnrecorded(stampedEvent(event), (error as Error).message);
      }
    },
    unrecorded: () => unrecorded,
  };
}

/** The failure event of a step: which step of which stack, at the run's clock, and the error's message. */
export function failureEvent(fields: {
  readonly step: string;
  readonly now: string;
  readonly stack: string;
  readonly error: unknown;
  readonly grants?: readonly AppliedGrant[];
}): FailureEvent {
  const { step, now, stack, error, grants } = fields;
  // Keys in the order every failure event has had: the line's bytes stay the same.
  return {
    type: "failure",
    step,
    now,
    stack,
    error: error instanceof Error ? error.message : String(error),
    ...(grants !== undefined ? { grants } : {}),
  };
}
