import { existsSync } from "node:fs";
import { join } from "node:path";
import { formatTimestamp } from "../grant/time.js";
import { planAndShow } from "../plan/plan-run.js";
import {
  apply,
  init,
  isStalePlan,
  stateIdentity,
  type RetryOptions,
  type Workspace,
} from "../runner/index.js";
import {
  accessToRevoke,
  grantsHeld,
  NO_MEMORY,
  stateResources,
  withStateMemory,
  type OwnershipMemory,
} from "./ownership.js";
import { guardedRevocationPlan } from "./revocation-guard.js";
import { selectRevocations, type Revocation } from "./select-revocations.js";
import { readActions, stepRunner, type StepRunner } from "./steps.js";
import { prepareTargetCheck, runTargetCheck } from "./target-check-step.js";

export { SweepStepError } from "./steps.js";
import type { TargetCheck, TargetCheckResult } from "../targets/target-check.js";

/** Options of {@link sweepStack}. */
export interface SweepStackOptions {
  readonly stack: string;
  readonly workspace: Workspace;
  /** The run's clock (epoch seconds); the app was synthesized at it. */
  readonly now: number;
  readonly privilegedTypes?: readonly string[];
  /** Plan and select, but apply nothing. */
  readonly dryRun?: boolean;
  /** Retries of transient failures (a held lock, an unreachable backend); default 3, first delay 2 s. */
  readonly retry?: RetryOptions;
  readonly onProgress?: (line: string) => void;
  /**
   * What the ledger remembers of who owned what in this stack ({@link ledgerMemory}); the
   * state's own dependencies are added to it. Default: nothing remembered.
   */
  readonly memory?: OwnershipMemory;
  /** tempgrant.yaml's revocationMargin, in seconds, for the state check; default 0. */
  readonly revocationMarginSeconds?: number;
  /** Checks inside the target around the apply (PostgreSQL: roles gone, sessions ended). */
  readonly targetCheck?: TargetCheck;
  /**
   * Called once the revocation plan passed the guard, right before it is applied, so the
   * ledger shows a sweep that was killed mid-apply.
   */
  readonly onBeforeApply?: (intent: {
    readonly grants: readonly string[];
    readonly planSha256: string;
  }) => Promise<void>;
}

/**
 * Wall-clock seconds of each step of a sweep, to size the schedule and find the slow step.
 * Every step includes the engine processes it runs; a step repeated (a retry, a plan gone
 * stale under a concurrent sweep) adds up.
 */
export interface SweepPhases {
  /**
   * Running the cdktf app at the run's clock. Measured by the caller (`tempgrant sweep`),
   * once per run: every stack of one run reports the same figure.
   */
  readonly synth?: number;
  /** `init`, and reading the state's serial before. */
  readonly init: number;
  /** The full plan and, when other changes are pending, the plan limited to the revocations, each with `show -json`. */
  readonly plan: number;
  /** tempgrant's own work on the plans: reading and normalizing them, selecting the revocations, the guard. */
  readonly check: number;
  /** Applying the revocation plan; 0 when nothing was applied. */
  readonly apply: number;
  /** The re-plan after apply with its selection, and reading the state's serial after. */
  readonly verify: number;
}

/** What a sweep of one stack did; run-sweep maps it to the ledger's sweep event (sweep-event.ts). */
export interface SweepOutcome {
  readonly stack: string;
  readonly now: string;
  readonly dryRun: boolean;
  /** Grants revoked (or, in a dry run, that would be), each with its record as written. */
  readonly revoked: readonly {
    readonly id: string;
    readonly record: unknown;
    readonly addresses: readonly string[];
    /** The record was already gone: these resources were left by an interrupted revocation. */
    readonly leftover?: true;
  }[];
  /** Changes left for `tempgrant apply`: new grants, drift, anything that is not a revocation. */
  readonly pending: readonly { readonly address: string; readonly action: string }[];
  /** sha256 of the saved plan that was applied; null when nothing was applied. */
  readonly planSha256: string | null;
  readonly stateSerialBefore: number | null;
  readonly stateSerialAfter: number | null;
  /**
   * A re-plan after apply shows no revocation still pending, the state holds no resource of an
   * expired grant or of a grant whose record is gone, and every target check passed.
   */
  readonly verified: boolean;
  /** What the targets themselves said after the apply; empty when no check applies. */
  readonly targetChecks?: readonly TargetCheckResult[];
  readonly durationSeconds: number;
  /** Seconds per step; absent from events recorded before it existed. */
  readonly phases?: SweepPhases;
}

/** What {@link sweepStack} returns: the event's body, and what the state held before. */
export type SweepStackResult = SweepOutcome & {
  readonly phases: SweepPhases;
  /** Grant ids the state held access for before the sweep (records, and owners of resources). */
  readonly heldBefore: readonly string[];
};

/**
 * Sweeps one synthesized stack: plan everything, select the revocations, apply only them
 * (through a plan limited to their addresses when anything else is pending), refuse any plan
 * that is not revocation-only, then re-plan and check the state to verify nothing is left.
 */
export async function sweepStack(options: SweepStackOptions): Promise<SweepStackResult> {
  const { workspace } = options;
  const progress = options.onProgress ?? (() => {});
  const runner = stepRunner(options.stack, options.retry, progress);
  const { step, timed } = runner;
  // A state tofu could not save to its backend: it is out of date once a later run saved
  // one, but someone must look at it (and delete it). Say so on every sweep until then.
  const errored = join(workspace.workingDir, "errored.tfstate");
  if (existsSync(errored)) {
    progress(
      `${options.stack}: WARNING ${errored} is left from an apply whose state could not be saved; ` +
        "check the backend's state, then delete it",
    );
  }
  const before = await timed("init", async () => {
    await step("init", () => init(workspace, { reuse: true }));
    return step("read state", () => stateIdentity(workspace));
  });
  // Another sweep may apply first: its apply makes our saved plan stale. Start over then
  // (a bounded number of times) instead of failing: its revocations are ours too.
  let result: Awaited<ReturnType<typeof revokeOnce>>;
  for (let attempt = 1; ; attempt += 1) {
    try {
      result = await revokeOnce(options, step, timed, progress);
      break;
    } catch (error) {
      if (attempt >= 3 || !isStalePlan(error)) throw error;
      progress(`${options.stack}: the state changed under this sweep (another run applied); planning again`);
    }
  }
  const { revoked, pending, planSha256, verified, targetChecks, heldBefore } = result;
  const afterState = await timed("verify", () => step("read state", () => stateIdentity(workspace)));
  return {
    stack: options.stack,
    now: formatTimestamp(options.now),
    dryRun: options.dryRun ?? false,
    revoked,
    pending,
    planSha256,
    stateSerialBefore: before.serial,
    stateSerialAfter: afterState.serial,
    verified,
    targetChecks,
    heldBefore,
    durationSeconds: runner.elapsed(),
    phases: runner.phases(),
  };
}

type Step = StepRunner["step"];
type Timed = StepRunner["timed"];

/** One pass: plan everything, select, plan the revocations, guard, apply, verify. */
async function revokeOnce(
  options: SweepStackOptions,
  step: Step,
  timed: Timed,
  progress: (line: string) => void,
) {
  const { workspace } = options;
  progress(`${options.stack}: planning at ${formatTimestamp(options.now)}`);
  const fullPlan = await timed("plan", () =>
    step("plan", () => planAndShow(workspace, { out: "sweep-full.tfplan" })),
  );
  const { full, selection, heldBefore, leftBefore } = await timed("check", () => {
    const full = readActions(fullPlan, options);
    const prior = stateResources(fullPlan.document);
    const memory = withStateMemory(options.memory ?? NO_MEMORY, prior);
    return {
      full,
      selection: selectRevocations(full.actions, memory),
      heldBefore: [...grantsHeld(prior, memory)].sort(),
      leftBefore: accessToRevoke(prior, memory, stateCheckOptions(options)),
    };
  });
  const pending = selection.pending.map((resource) => ({
    address: resource.address,
    action: resource.action,
  }));
  const revoked = selection.revocations.map((revocation: Revocation) => ({
    id: revocation.id,
    record: revocation.record,
    addresses: revocation.addresses,
    ...(revocation.leftover ? { leftover: true as const } : {}),
  }));
  let planSha256: string | null = null;
  // Nothing to revoke is verified only when the state holds no access that should be gone
  // (a resource the configuration still declares for an expired grant, say).
  let verified = selection.revocations.length === 0 && leftBefore.length === 0;
  if (selection.revocations.length === 0 && leftBefore.length > 0) {
    progress(`${options.stack}: NOT REVOKED, and no plan revokes it: ${describeLeft(leftBefore)}`);
  }
  let targetChecks: TargetCheckResult[] = [];
  if (selection.revocations.length > 0 && !options.dryRun) {
    // With nothing else pending the full plan is the revocation plan; otherwise limit it.
    let revocationPlan = full;
    if (selection.pending.length > 0) {
      const limited = await timed("plan", () =>
        step("plan revocations", () =>
          planAndShow(workspace, { out: "sweep-revoke.tfplan", targets: selection.targets }),
        ),
      );
      revocationPlan = await timed("check", () => readActions(limited, options));
    }
    planSha256 = await timed("check", () =>
      guardedRevocationPlan(options.stack, revocationPlan, new Set(selection.targets)),
    );
    // A target check that cannot run must never hold a revocation back: it fails the
    // verification instead (exit 1), after the access is revoked.
    const checkTarget = options.targetCheck
      ? await timed("verify", () => prepareTargetCheck(options.targetCheck!, revoked))
      : undefined;
    await options.onBeforeApply?.({ grants: revoked.map((grant) => grant.id), planSha256 });
    progress(
      `${options.stack}: revoking ${selection.revocations.map((r) => (r.leftover ? `${r.id} (left behind)` : r.id)).join(", ")}`,
    );
    await timed("apply", () => step("apply revocations", () => apply(workspace, revocationPlan.planFile)));
    const replanned = await timed("verify", async () => {
      const document = await step("verify (re-plan)", () =>
        planAndShow(workspace, { out: "sweep-verify.tfplan" }),
      );
      const after = readActions(document, options);
      const prior = stateResources(document.document);
      const memory = withStateMemory(options.memory ?? NO_MEMORY, prior);
      const left = accessToRevoke(prior, memory, stateCheckOptions(options));
      if (left.length > 0) progress(`${options.stack}: NOT REVOKED after the apply: ${describeLeft(left)}`);
      return selectRevocations(after.actions, memory).revocations.length === 0 && left.length === 0;
    });
    if (checkTarget) {
      targetChecks = await timed("verify", () => runTargetCheck(options.stack, checkTarget, progress));
    }
    verified = replanned && targetChecks.every((check) => check.ok);
  }
  return { revoked, pending, planSha256, verified, targetChecks, heldBefore };
}

/** The state check's clock and margin. */
function stateCheckOptions(options: SweepStackOptions) {
  return { now: options.now, marginSeconds: options.revocationMarginSeconds ?? 0 };
}

/** Access left in a state, for a progress line. */
export function describeLeft(left: readonly { id: string; addresses: readonly string[] }[]): string {
  return left.map((grant) => `${grant.id} (${grant.addresses.join(", ")})`).join("; ");
}
