import { appliedGrants } from "../audit/ledger/applied-grants.js";
import { resolveLedgerPath } from "../audit/ledger/location.js";
import { checkLedgerHead, failureEvent, openLedgerRecorder } from "../audit/ledger/recorder.js";
import type { CheckReport } from "../check/check-plan.js";
import { sha256File } from "../exec/sha256-file.js";
import { formatTimestamp } from "../grant/time.js";
import { checkStatus, type RunStatus } from "../run-status.js";
import { apply, stateIdentity } from "../runner/index.js";
import { planAndCheckStacks, type CheckedStack, type PlanAndCheckOptions } from "./plan-and-check.js";

/** Options of {@link runApply}: the command line's, parsed. */
export interface RunApplyOptions extends PlanAndCheckOptions {
  /** `--ledger`. */
  readonly ledger?: string;
  /** The checks, before anything is applied: the CLI prints them. */
  readonly onChecked: (reports: readonly CheckReport[]) => void;
}

/** What {@link runApply} did. */
export interface ApplyRunResult {
  readonly reports: readonly CheckedStack[];
  /** The stacks whose checked plans were applied, in order; none when a check denied. */
  readonly applied: readonly string[];
  /** `failed` when a check denied (nothing applied), else `ok`. */
  readonly status: RunStatus;
}

/**
 * `tempgrant apply`, the merge-time path: plan and check every stack at one clock, and apply
 * the checked plans only if no check denies. Each applied stack appends an apply event; an
 * apply that fails appends a failure event and throws its error (exit 1), as a ledger that
 * cannot be appended to does, before anything is applied.
 */
export async function runApply(options: RunApplyOptions): Promise<ApplyRunResult> {
  const { reports, config, now, evidence } = await planAndCheckStacks(options);
  options.onChecked(reports.map(({ report }) => report));
  const status = checkStatus(reports.map(({ report }) => report));
  if (status !== "ok") {
    options.progress("[apply] policy denials: nothing applied");
    return { reports, applied: [], status };
  }
  const ledgerPath = resolveLedgerPath({ option: options.ledger, config, projectDir: options.chdir });
  // A ledger we could not append to must stop us before anything is applied, not after.
  await checkLedgerHead(ledgerPath);
  const ledger = openLedgerRecorder(ledgerPath);
  const applied: string[] = [];
  for (const { stack, planFile, input, records, report } of reports) {
    options.progress(`[apply] ${stack.name}: applying the checked plan`);
    const grants = appliedGrants(input, records, evidence);
    const states = await (async () => {
      const before = await apply(stack.workspace, planFile);
      return { before, after: await stateIdentity(stack.workspace) };
    })().catch(async (error: unknown) => {
      await ledger
        .record(failureEvent({ step: "apply", now: formatTimestamp(now), stack: stack.name, error, grants }))
        .catch((ledgerError: unknown) => {
          // The apply's own error is the one to exit with; still say the record is missing.
          options.progress(`[apply] ${(ledgerError as Error).message}`);
        });
      throw error;
    });
    await ledger.record({
      type: "apply",
      now: formatTimestamp(now),
      stack: stack.name,
      planSha256: sha256File(planFile),
      stateSerialBefore: states.before.serial,
      stateSerialAfter: states.after.serial,
      grants,
      warnings: report.verdicts.warn,
    });
    applied.push(stack.name);
  }
  return { reports, applied, status: "ok" };
}
