import { TempgrantError, wrapStep } from "../errors.js";
import { sha256File } from "../exec/sha256-file.js";
import { formatTimestamp } from "../grant/time.js";
import { checkPlanShape } from "../plan/read-plan.js";
import { toPolicyInput, type PolicyInput, type ResourceView } from "../plan/policy-input.js";
import {
  apply,
  init,
  isStalePlan,
  plan,
  showJson,
  stateIdentity,
  withRetries,
  type RetryOptions,
  type Workspace,
} from "../runner/index.js";
import { revocationOnlyProblems } from "./revocation-guard.js";
import { selectRevocations, type Revocation } from "./select-revocations.js";

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
}

/** What a sweep of one stack did: the ledger event's body. */
export interface SweepOutcome {
  readonly stack: string;
  readonly now: string;
  readonly dryRun: boolean;
  /** Grants revoked (or, in a dry run, that would be), with their record metadata. */
  readonly revoked: readonly {
    readonly id: string;
    readonly record: unknown;
    readonly addresses: readonly string[];
  }[];
  /** Changes left for `tempgrant apply`: new grants, drift, anything that is not a revocation. */
  readonly pending: readonly { readonly address: string; readonly action: string }[];
  /** sha256 of the saved plan that was applied; null when nothing was applied. */
  readonly planSha256: string | null;
  readonly stateSerialBefore: number | null;
  readonly stateSerialAfter: number | null;
  /** A re-plan after apply shows no revocation still pending. */
  readonly verified: boolean;
  readonly durationSeconds: number;
}

/**
 * Sweeps one synthesized stack: plan everything, select the revocations, apply only them
 * (through a plan limited to their addresses when anything else is pending), refuse any plan
 * that is not revocation-only, then re-plan to verify nothing is left to revoke.
 */
export async function sweepStack(options: SweepStackOptions): Promise<SweepOutcome> {
  const started = Date.now();
  const { workspace } = options;
  const progress = options.onProgress ?? (() => {});
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await withRetries(work, {
        ...options.retry,
        onRetry: (attempt, delay) =>
          progress(`${options.stack}: ${name} failed transiently; retry ${attempt} in ${delay} ms`),
      });
    } catch (error) {
      throw wrapStep(`sweep ${options.stack}: ${name}`, error);
    }
  };
  await step("init", () => init(workspace));
  const before = await step("read state", () => stateIdentity(workspace));
  // Another sweep may apply first: its apply makes our saved plan stale. Start over then
  // (a bounded number of times) instead of failing: its revocations are ours too.
  let result: Awaited<ReturnType<typeof revokeOnce>>;
  for (let attempt = 1; ; attempt += 1) {
    try {
      result = await revokeOnce(options, step, progress);
      break;
    } catch (error) {
      if (attempt >= 3 || !isStalePlan(error)) throw error;
      progress(`${options.stack}: the state changed under this sweep (another run applied); planning again`);
    }
  }
  const { revoked, pending, planSha256, verified } = result;
  const afterState = await step("read state", () => stateIdentity(workspace));
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
    durationSeconds: (Date.now() - started) / 1000,
  };
}

async function planInput(
  workspace: Workspace,
  out: string,
  options: SweepStackOptions,
  targets?: readonly string[],
): Promise<{ input: PolicyInput; planFile: string }> {
  const result = await plan(workspace, { out, ...(targets ? { targets } : {}) });
  const document = checkPlanShape(await showJson(workspace, result.planFile), options.stack);
  return {
    input: toPolicyInput(document, {
      now: options.now,
      fallbackNow: options.now,
      ...(options.privilegedTypes ? { privilegedTypes: options.privilegedTypes } : {}),
    }),
    planFile: result.planFile,
  };
}

type Step = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/** One pass: plan everything, select, plan the revocations, guard, apply, verify. */
async function revokeOnce(options: SweepStackOptions, step: Step, progress: (line: string) => void) {
  const { workspace } = options;
  progress(`${options.stack}: planning at ${formatTimestamp(options.now)}`);
  const full = await step("plan", () => planInput(workspace, "sweep-full.tfplan", options));
  const selection = selectRevocations(full.input);
  const pending = selection.pending.map((resource: ResourceView) => ({
    address: resource.address,
    action: resource.action,
  }));
  const revoked = selection.revocations.map((revocation: Revocation) => ({
    id: revocation.grant.id,
    record: revocation.grant.before,
    addresses: revocation.addresses,
  }));
  let planSha256: string | null = null;
  let verified = selection.revocations.length === 0;
  if (selection.revocations.length > 0 && !options.dryRun) {
    // With nothing else pending the full plan is the revocation plan; otherwise limit it.
    const revocationPlan =
      selection.pending.length === 0
        ? full
        : await step("plan revocations", () =>
            planInput(workspace, "sweep-revoke.tfplan", options, selection.targets),
          );
    const problems = revocationOnlyProblems(revocationPlan.input, new Set(selection.targets));
    if (problems.length > 0) {
      throw new TempgrantError(
        "SWEEP_GUARD",
        `sweep ${options.stack}: the revocation plan is not revocation-only, nothing applied:\n${problems.join("\n")}`,
      );
    }
    progress(`${options.stack}: revoking ${selection.revocations.map((r) => r.grant.id).join(", ")}`);
    planSha256 = sha256File(revocationPlan.planFile);
    await step("apply revocations", () => apply(workspace, revocationPlan.planFile));
    const after = await step("verify (re-plan)", () => planInput(workspace, "sweep-verify.tfplan", options));
    verified = selectRevocations(after.input).revocations.length === 0;
  }
  return { revoked, pending, planSha256, verified };
}
