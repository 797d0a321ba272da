import { join } from "node:path";
import type { EvidenceSet } from "../approval/evidence-set.js";
import { loadEvidence } from "../approval/load-evidence.js";
import type { CheckReport } from "../check/check-plan.js";
import { formatDuration } from "../grant/duration.js";
import { evaluateInput } from "../check/check-plan.js";
import { withInactiveGrantWarnings } from "../check/inactive-grants.js";
import { removedBlocksOf } from "../check/removed-blocks.js";
import { wrapStep } from "../errors.js";
import { formatTimestamp } from "../grant/time.js";
import { resolveClock } from "../grant/clock.js";
import type { PolicyInput } from "../plan/policy-input.js";
import { normalizePlanned, planAndShow, type NormalizedPlan } from "../plan/plan-run.js";
import type { CheckConfig } from "../policy/config.js";
import { loadPolicyEngine } from "../policy/evaluate.js";
import { projectBundle } from "../policy/project-bundle.js";
import { init } from "../runner/index.js";
import { synthesizeStacks, type StackSelection, type SynthesizedStack } from "./synthesize-stacks.js";

/** A stack's checked plan: what `plan` prints and what `apply` applies when it passes. */
export interface CheckedStack {
  readonly stack: SynthesizedStack;
  readonly planFile: string;
  /** What the check evaluated. */
  readonly input: PolicyInput;
  /** The grant records the plan changes, as written: what `apply` records in the ledger. */
  readonly records: NormalizedPlan["records"];
  readonly report: CheckReport;
}

/** Options of {@link planAndCheckStacks}: the command line's, and tempgrant.yaml read. */
export interface PlanAndCheckOptions extends StackSelection {
  readonly config: CheckConfig;
  readonly bundle?: string;
  readonly reviews?: string;
  readonly signatures?: string;
  /** Progress for people (stderr), one line each, prefixed with the step (`[plan] ...`). */
  readonly progress: (line: string) => void;
}

/** What {@link planAndCheckStacks} checked, at which clock, with which evidence. */
export interface PlanAndCheckResult {
  readonly reports: CheckedStack[];
  readonly config: CheckConfig;
  readonly now: number;
  readonly evidence: EvidenceSet;
}

/**
 * The first half of `plan` and `apply`: synth at one clock, then for each stack: init,
 * plan -out, show -json, check.
 */
export async function planAndCheckStacks(options: PlanAndCheckOptions): Promise<PlanAndCheckResult> {
  const clock = resolveClock(options.now);
  const { config } = options;
  const bundle = await projectBundle(options.bundle, options.chdir, (line) =>
    options.progress(`[policy] ${line}`),
  );
  const policy = await loadPolicyEngine(config.policy, bundle.path);
  // The project's signed approvals (approvals.signatures, default <project>/approvals) and
  // the reviews given by flag, read before anything is planned: bad evidence input stops early.
  const evidence = loadEvidence({
    config,
    ...(options.signatures !== undefined
      ? { signatures: options.signatures, signaturesRequired: true }
      : { signatures: config.evidence.signatures ?? join(options.chdir, "approvals") }),
    ...(options.reviews !== undefined ? { reviews: options.reviews } : {}),
    now: clock.now,
  });
  const stacks = await synthesizeStacks(options, formatTimestamp(clock.now), {
    revocationMargin: formatDuration(config.revocationMarginSeconds),
  });
  const reports: CheckedStack[] = [];
  for (const stack of stacks) {
    options.progress(`[plan] ${stack.name}: init, plan, check...`);
    const planned = await (async () => {
      await init(stack.workspace);
      return planAndShow(stack.workspace, { out: "tempgrant.tfplan" });
    })().catch((error: unknown) => {
      throw wrapStep(`plan stack ${stack.name}`, error);
    });
    const { planFile } = planned;
    const { input, records } = normalizePlanned(planned, stack.name, {
      now: clock.now,
      fallbackNow: clock.now,
      privilegedTypes: config.privilegedTypes,
      aliases: config.policy.approvals.aliases,
      approvals: evidence,
      removedBlocks: removedBlocksOf(stack.workspace.workingDir),
    });
    reports.push({
      stack,
      planFile,
      input,
      records,
      // Declared grants outside their window are in no plan: say so rather than pass in silence.
      report: withInactiveGrantWarnings(
        await evaluateInput(`${stack.name} (${planFile})`, input, policy),
        stack.workspace.workingDir,
      ),
    });
  }
  return { reports, config, now: clock.now, evidence };
}
