import { planAndShow } from "../plan/plan-run.js";
import { formatTimestamp } from "../grant/time.js";
import { apply, init, showJson, stateIdentity, type RetryOptions, type Workspace } from "../runner/index.js";
import type { SweepDegradation } from "../audit/ledger/entry.js";
import { restoreConfiguration } from "./last-good.js";
import {
  accessToRevoke,
  grantsHeld,
  NO_MEMORY,
  recordsInState,
  stateResources,
  withStateMemory,
  type OwnershipMemory,
} from "./ownership.js";
import { guardedRevocationPlan } from "./revocation-guard.js";
import { describeLeft, type SweepStackResult } from "./sweep-stack.js";
import { readActions, stepRunner } from "./steps.js";
import { prepareTargetCheck, runTargetCheck } from "./target-check-step.js";
import type { TargetCheck, TargetCheckResult } from "../targets/target-check.js";

/** Options of {@link revokeFromState}. */
export interface StateRevocationOptions {
  readonly stack: string;
  readonly workspace: Workspace;
  /** The run's clock (epoch seconds). */
  readonly now: number;
  readonly revocationMarginSeconds: number;
  readonly privilegedTypes?: readonly string[];
  /** Why this stack is swept from the state (the app failed, the plan failed, ...). */
  readonly reason: string;
  /** The configuration to plan against: put in the working directory first when it is elsewhere. */
  readonly configuration: { readonly file: string; readonly kind: SweepDegradation["configuration"] };
  /**
   * Whether the current synth leaves a grant out (not active), when a synth worked (the
   * plan failed): their records are revoked too. Undefined when no synth worked: then a record
   * not expired at the clock is reported as unknown.
   */
  readonly isRemoved?: (id: string) => boolean;
  readonly memory?: OwnershipMemory;
  /**
   * Checks inside the target around the apply, as a full sweep runs them (the fast path:
   * PostgreSQL roles gone, sessions ended); a failed check fails the verification.
   */
  readonly targetCheck?: TargetCheck;
  readonly dryRun?: boolean;
  readonly retry?: RetryOptions;
  readonly onProgress?: (line: string) => void;
  /** Called right before the apply, as in a normal sweep. */
  readonly onBeforeApply?: (intent: {
    readonly grants: readonly string[];
    readonly planSha256: string;
  }) => Promise<void>;
}

/**
 * Degraded mode: revokes from the state alone, for a stack whose synthesized configuration
 * this run cannot use. Every grant whose record in the state has expired at the run's clock
 * (minus the margin), every grant `removed` names, and every resource left behind by a grant
 * whose record is gone, is destroyed through a `plan -destroy` limited (`-target`) to those
 * addresses, against the given configuration; the plan must pass the revocation-only guard.
 * Verified when the state afterwards holds none of that access.
 */
export async function revokeFromState(
  options: StateRevocationOptions,
): Promise<SweepStackResult & { readonly degraded: SweepDegradation }> {
  const { workspace } = options;
  const progress = options.onProgress ?? (() => {});
  const runner = stepRunner(options.stack, options.retry, progress);
  const { step, timed } = runner;
  progress(`${options.stack}: DEGRADED, revoking from the state alone: ${options.reason}`);
  const check = {
    now: options.now,
    marginSeconds: options.revocationMarginSeconds,
    isRemoved: options.isRemoved,
  };
  const before = await timed("init", async () => {
    restoreConfiguration(options.configuration.file, workspace.workingDir);
    await step("init", () => init(workspace, { reuse: true }));
    return step("read state", () => stateIdentity(workspace));
  });
  const read = async () => {
    const resources = stateResources(await step("read state", () => showJson(workspace)));
    const memory = withStateMemory(options.memory ?? NO_MEMORY, resources);
    return { resources, memory, left: accessToRevoke(resources, memory, check) };
  };
  const { resources, memory, left } = await timed("plan", read);
  const revokedIds = new Set(left.map((grant) => grant.id));
  const unknownGrants =
    options.isRemoved === undefined
      ? [...recordsInState(resources).values()]
          .filter((record) => !revokedIds.has(record.id))
          .map((record) => ({ id: record.id, expiresAt: record.expiresAt ?? null }))
          .sort((a, b) => a.id.localeCompare(b.id))
      : [];
  if (unknownGrants.length > 0) {
    progress(
      `${options.stack}: status unknown (not expired at the clock; removed from the code?): ${unknownGrants.map((grant) => grant.id).join(", ")}`,
    );
  }
  const targets = [...new Set(left.flatMap((grant) => grant.addresses))].sort();
  let planSha256: string | null = null;
  let verified = left.length === 0;
  let targetChecks: TargetCheckResult[] | undefined = options.targetCheck ? [] : undefined;
  if (targets.length > 0 && !options.dryRun) {
    const planned = await timed("plan", () =>
      step("plan revocations", () =>
        planAndShow(workspace, { out: "sweep-degraded.tfplan", targets, destroy: true }),
      ),
    );
    planSha256 = await timed("check", () =>
      guardedRevocationPlan(options.stack, readActions(planned, options), new Set(targets)),
    );
    // Never holds the revocation back: a check that cannot run fails the verification after it.
    const checkTarget = options.targetCheck
      ? await timed("verify", () => prepareTargetCheck(options.targetCheck!, left))
      : undefined;
    await options.onBeforeApply?.({ grants: left.map((grant) => grant.id), planSha256 });
    progress(`${options.stack}: revoking from the state ${describeLeft(left)}`);
    await timed("apply", () => step("apply revocations", () => apply(workspace, planned.planFile)));
    const after = await timed("verify", read);
    if (after.left.length > 0)
      progress(`${options.stack}: NOT REVOKED after the apply: ${describeLeft(after.left)}`);
    if (checkTarget) {
      targetChecks = await timed("verify", () => runTargetCheck(options.stack, checkTarget, progress));
    }
    verified = after.left.length === 0 && (targetChecks ?? []).every((check) => check.ok);
  }
  const afterState = await timed("verify", () => step("read state", () => stateIdentity(workspace)));
  return {
    stack: options.stack,
    now: formatTimestamp(options.now),
    dryRun: options.dryRun ?? false,
    revoked: left.map((grant) => ({
      id: grant.id,
      record: grant.record,
      addresses: grant.addresses,
      ...(grant.recordAddress === null ? { leftover: true as const } : {}),
    })),
    pending: [],
    planSha256,
    stateSerialBefore: before.serial,
    stateSerialAfter: afterState.serial,
    verified,
    ...(targetChecks ? { targetChecks } : {}),
    heldBefore: [...grantsHeld(resources, memory)].sort(),
    durationSeconds: runner.elapsed(),
    phases: runner.phases(),
    degraded: { reason: options.reason, unknownGrants, configuration: options.configuration.kind },
  };
}
