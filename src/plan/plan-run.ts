import { plan, showJson, type Workspace } from "../runner/index.js";
import type { PlanJson } from "./plan-json.js";
import { toPolicyInput, type PolicyInput, type PolicyInputOptions } from "./policy-input.js";
import { checkPlanShape } from "./read-plan.js";
import { writtenRecords, type WrittenRecordSides } from "./written-records.js";

/*
 * The one plan-and-normalize pipeline of `plan`, `apply` and `sweep`: after `init` (the
 * runner's), plan (saved, so what is applied is what was checked), show -json, then our own
 * reading of the plan. Each caller runs the steps under its own step names, retries and
 * timing; the steps themselves are written once, here.
 */

/** A saved plan and its `show -json` document, not yet read. */
export interface PlannedDocument {
  readonly document: unknown;
  readonly planFile: string;
}

/** Options of {@link planAndShow}. */
export interface PlanRunOptions {
  /** Where to save the binary plan, relative to the working directory or absolute. */
  readonly out: string;
  /** Limit the plan to these addresses (`-target`). */
  readonly targets?: readonly string[];
  /** Plan the destruction of what is planned (`-destroy`), without a refresh. */
  readonly destroy?: boolean;
}

/** Plans (saved to `out`, limited to `targets` when given, `-destroy` when asked) and reads the plan back as JSON. */
export async function planAndShow(workspace: Workspace, options: PlanRunOptions): Promise<PlannedDocument> {
  const result = await plan(workspace, {
    out: options.out,
    ...(options.targets ? { targets: options.targets } : {}),
    // A destroy plan without refresh: the configuration it runs against may hold records
    // that have expired, which tempgrant's provider refuses to plan; destroying needs only the state.
    ...(options.destroy ? { destroy: true, refresh: false } : {}),
  });
  return { document: await showJson(workspace, result.planFile), planFile: result.planFile };
}

/** A `show -json` document checked as a plan (bad shape: exit 2, naming `source`). */
export function planOfDocument(document: unknown, source: string): PlanJson {
  return checkPlanShape(document, source);
}

/** A plan read for its check: the policy input, and the grant records it changes as written (for the ledger). */
export interface NormalizedPlan {
  readonly input: PolicyInput;
  readonly records: ReadonlyMap<string, WrittenRecordSides>;
}

/** Our own reading of a planned document: its shape checked, normalized into the policy input. */
export function normalizePlanned(
  planned: PlannedDocument,
  source: string,
  options: PolicyInputOptions,
): NormalizedPlan {
  const plan = planOfDocument(planned.document, source);
  return { input: toPolicyInput(plan, options), records: writtenRecords(plan) };
}
