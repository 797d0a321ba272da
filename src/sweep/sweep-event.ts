import type { SweepDegradation, SweepEvent, SweepPhasesEntry } from "../audit/ledger/entry.js";
import type { SweepStackResult } from "./sweep-stack.js";

/** A sweep event without its `type`: what `sweep` records, and prints (`sweep` or `sweep-dry-run`). */
export type SweepEventBody = Omit<SweepEvent, "type"> & { readonly phases: SweepPhasesEntry };

/** What the run adds to a stack's sweep for its event. */
export interface SweepEventExtras {
  /** Seconds the run's synth took: every stack of one run reports the same figure. */
  readonly synthSeconds: number;
  readonly invalidGrants: readonly string[];
  readonly nextExpiry: string | null;
  /** Why the sweep ran degraded when the stack's own outcome does not say (a broken tempgrant.yaml). */
  readonly runDegraded?: SweepDegradation;
  /** `state` for the fast path (see SweepEvent.path); a full sweep's event is written as it always was. */
  readonly path?: "state";
}

/**
 * The ledger's sweep event from the sweep's outcome, field by field: the stored format is
 * the ledger's (src/audit/ledger/entry.ts), not whatever sweepStack returns. The keys keep
 * the order events have always been written in, so that the bytes of a line do not change:
 * a stack's own degradation sits after `phases`, the run's (tempgrant.yaml unreadable) last.
 */
export function sweepEventBody(
  outcome: SweepStackResult & { readonly degraded?: SweepDegradation },
  extras: SweepEventExtras,
): SweepEventBody {
  const degraded = (degradation: SweepDegradation) => ({
    degraded: {
      reason: degradation.reason,
      unknownGrants: degradation.unknownGrants.map((grant) => ({ id: grant.id, expiresAt: grant.expiresAt })),
      configuration: degradation.configuration,
    },
  });
  const { phases } = outcome;
  return {
    stack: outcome.stack,
    now: outcome.now,
    dryRun: outcome.dryRun,
    revoked: outcome.revoked.map((grant) => ({
      id: grant.id,
      record: grant.record,
      addresses: grant.addresses,
      ...(grant.leftover ? { leftover: true as const } : {}),
    })),
    pending: outcome.pending.map((change) => ({ address: change.address, action: change.action })),
    planSha256: outcome.planSha256,
    stateSerialBefore: outcome.stateSerialBefore,
    stateSerialAfter: outcome.stateSerialAfter,
    verified: outcome.verified,
    ...(outcome.targetChecks !== undefined
      ? {
          targetChecks: outcome.targetChecks.map((check) => ({
            grant: check.grant,
            method: check.method,
            ok: check.ok,
            detail: check.detail,
          })),
        }
      : {}),
    durationSeconds: outcome.durationSeconds,
    phases: {
      synth: extras.synthSeconds,
      init: phases.init,
      plan: phases.plan,
      check: phases.check,
      apply: phases.apply,
      verify: phases.verify,
    },
    ...(outcome.degraded ? degraded(outcome.degraded) : {}),
    invalidGrants: extras.invalidGrants,
    nextExpiry: extras.nextExpiry,
    ...(!outcome.degraded && extras.runDegraded ? degraded(extras.runDegraded) : {}),
    ...(extras.path ? { path: extras.path } : {}),
  };
}
