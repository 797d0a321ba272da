import { statSync } from "node:fs";
import { TempgrantError, wrapStep } from "../errors.js";
import {
  indexPlan,
  parsePlanText,
  readPlanFileWithHelper,
  type PlanJson,
  type PolicyInput,
} from "../plan/index.js";
import { defaultHelperCount } from "../policy/evaluation-helpers.js";
import type { ApprovalCheck } from "../plan/policy-input.js";
import type { RemovedBlock } from "../plan/code-runners.js";
import type { CheckConfig, PolicyEngine, Verdicts } from "../policy/index.js";

/** The outcome of checking one plan. */
export interface CheckReport {
  /** The plan file, as given. */
  readonly source: string;
  /** The instant checked at (epoch seconds). */
  readonly now: number;
  readonly grants: number;
  readonly resources: number;
  readonly verdicts: Verdicts;
}

/** Options of {@link checkPlan}. */
export interface CheckPlanOptions {
  readonly source: string;
  readonly config: CheckConfig;
  readonly engine: PolicyEngine;
  /** `--now`; otherwise the plan's timestamp, otherwise `fallbackNow`. */
  readonly now?: number;
  readonly fallbackNow: number;
  readonly maxPlanBytes?: number;
  /** Renders a binary plan file as JSON (through tofu/terraform `show -json`). */
  readonly renderBinaryPlan?: (path: string) => Promise<unknown>;
  /**
   * The approval evidence; without it, no approval verifies (see PolicyInputOptions.approvals).
   * Awaited once the plan is read: it may still be loading meanwhile (loadEvidenceAhead).
   */
  readonly approvals?: ApprovalCheck | Promise<ApprovalCheck>;
  /** The stack's `removed` blocks with provisioners (removed-blocks.ts), which the plan does not show. */
  readonly removedBlocks?: readonly RemovedBlock[];
}

/**
 * Reads a plan, indexes it and evaluates it: a straight pipeline, each step named in errors.
 * Each part's views are built as it is evaluated (see PolicyEngine.evaluatePlan).
 */
export async function checkPlan(options: CheckPlanOptions): Promise<CheckReport> {
  // Evidence still loading is awaited after the plan is read; a failure meanwhile waits for that.
  if (options.approvals instanceof Promise) options.approvals.catch(() => undefined);
  const plan = await loadPlan(options);
  const approvals = await options.approvals;
  const index = indexPlan(plan, {
    ...(options.now !== undefined ? { now: options.now } : {}),
    fallbackNow: options.fallbackNow,
    privilegedTypes: options.config.privilegedTypes,
    aliases: options.config.policy.approvals.aliases,
    ...(approvals ? { approvals } : {}),
    ...(options.removedBlocks ? { removedBlocks: options.removedBlocks } : {}),
  });
  index.verifyApprovalsAhead();
  return {
    source: options.source,
    now: index.now,
    grants: index.records.length,
    resources: index.resources.length,
    verdicts: await evaluationStep(() => options.engine.evaluatePlan(index)),
  };
}

/** Evaluates a policy input that is already built (used by `plan`, `apply` and `sweep`). */
export async function evaluateInput(
  source: string,
  input: PolicyInput,
  engine: PolicyEngine,
): Promise<CheckReport> {
  return {
    source,
    now: input.now,
    grants: input.grants.length,
    resources: input.resources.length,
    verdicts: await evaluationStep(() => engine.evaluate(input)),
  };
}

/** The evaluation, its failures named as that step. */
async function evaluationStep(evaluate: () => Promise<Verdicts>): Promise<Verdicts> {
  try {
    return await evaluate();
  } catch (error) {
    throw wrapStep("evaluate policies", error);
  }
}

/** A plan file from which a check is likely to be made in parts: start the helper threads while it is read. */
const LARGE_PLAN_BYTES = 2 * 1024 * 1024;

/**
 * A plan file from which its checks are worth a thread of their own while it is walked (see
 * json-units.ts): starting one costs about what walking 8 MiB saves.
 */
const HELPER_READ_BYTES = 8 * 1024 * 1024;

/**
 * Whether a plan file is large enough for helper threads to read it and its evidence (see
 * loadEvidenceAhead): not when TEMPGRANT_POLICY_THREADS=0 keeps the check on one thread.
 */
export function planWorthHelpers(path: string): boolean {
  const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  return size >= HELPER_READ_BYTES && defaultHelperCount() > 0;
}

async function loadPlan(options: CheckPlanOptions): Promise<PlanJson> {
  const contents = await readPlanFileWithHelper(options.source, {
    ...(options.maxPlanBytes !== undefined ? { maxBytes: options.maxPlanBytes } : {}),
    // TEMPGRANT_POLICY_THREADS=0 keeps the whole check on one thread.
    helperFromBytes: planWorthHelpers(options.source) ? 0 : Infinity,
    // Start the helper threads while it is read.
    onLarge: { largeBytes: LARGE_PLAN_BYTES, call: () => options.engine.prepareForLargeInput() },
  });
  if (contents.kind === "json") return contents.plan;
  if (!options.renderBinaryPlan) {
    throw new TempgrantError(
      "INVALID_INPUT",
      `${options.source}: is a binary plan; render it with \`tofu show -json\``,
    );
  }
  const rendered = await options.renderBinaryPlan(options.source);
  return parsePlanText(JSON.stringify(rendered), options.source);
}
