import { join } from "node:path";
import type { EvidenceSet } from "../approval/evidence-set.js";
import { loadEvidence } from "../approval/load-evidence.js";
import type { CheckReport } from "../check/check-plan.js";
import { formatDuration } from "../grant/duration.js";
import { evaluateInput } from "../check/check-plan.js";
import { withInactiveGrantWarnings } from "../check/inactive-grants.js";
import { wrapStep } from "../errors.js";
import { formatTimestamp } from "../grant/time.js";
import { resolveClock } from "../grant/clock.js";
import { checkPlanShape } from "../plan/read-plan.js";
import { toPolicyInput, type PolicyInput } from "../plan/policy-input.js";
import type { CheckConfig } from "../policy/config.js";
import { loadPolicyEngine } from "../policy/evaluate.js";
import { projectBundle } from "../policy/project-bundle.js";
import { init, plan, showJson } from "../runner/index.js";
import { loadCheckConfig } from "./options.js";
import { synthesizeStacks, type StackRunOptions, type SynthesizedStack } from "./stack-options.js";

/** A stack's checked plan: what `plan` prints and what `apply` applies when it passes. */
export interface CheckedStack {
  readonly stack: SynthesizedStack;
  readonly planFile: string;
  /** What the check evaluated; `apply` records its grant changes in the ledger. */
  readonly input: PolicyInput;
  readonly report: CheckReport;
}

/** Synth at one clock, then for each stack: init, plan -out, show -json, check. */
export async function planAndCheckStacks(
  options: StackRunOptions & { bundle?: string; reviews?: string; signatures?: string },
): Promise<{ reports: CheckedStack[]; config: CheckConfig; now: number; evidence: EvidenceSet }> {
  const clock = resolveClock(options.now);
  const config = await loadCheckConfig(options.config, options.chdir);
  const bundle = await projectBundle(options.bundle, options.chdir, (line) =>
    process.stderr.write(`[policy] ${line}\n`),
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
    process.stderr.write(`[plan] ${stack.name}: init, plan, check...\n`);
    const { planFile, document } = await (async () => {
      await init(stack.workspace);
      const result = await plan(stack.workspace, { out: "tempgrant.tfplan" });
      return { planFile: result.planFile, document: await showJson(stack.workspace, result.planFile) };
    })().catch((error: unknown) => {
      throw wrapStep(`plan stack ${stack.name}`, error);
    });
    const input = toPolicyInput(checkPlanShape(document, stack.name), {
      now: clock.now,
      fallbackNow: clock.now,
      privilegedTypes: config.privilegedTypes,
      aliases: config.policy.approvals.aliases,
      approvals: evidence,
    });
    reports.push({
      stack,
      planFile,
      input,
      // Declared grants outside their window are in no plan: say so rather than pass in silence.
      report: withInactiveGrantWarnings(
        await evaluateInput(`${stack.name} (${planFile})`, input, policy),
        stack.workspace.workingDir,
      ),
    });
  }
  return { reports, config, now: clock.now, evidence };
}
