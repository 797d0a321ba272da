import { performance } from "node:perf_hooks";
import { TempgrantError, wrapStep } from "../errors.js";
import { checkPlanShape } from "../plan/read-plan.js";
import { toPolicyInput, type PolicyInput } from "../plan/policy-input.js";
import { plan, showJson, withRetries, type RetryOptions, type Workspace } from "../runner/index.js";

/** The phases a stack's sweep times (synth is the caller's). */
export type PhaseName = "init" | "plan" | "check" | "apply" | "verify";

/** A step of a stack's sweep failed; `step` names it (`init`, `plan`, `apply revocations`, ...). */
export class SweepStepError extends TempgrantError {
  readonly step: string;

  constructor(step: string, error: TempgrantError) {
    super(error.code, error.message, { cause: error.cause ?? error });
    this.step = step;
  }
}

/** Runs a stack's steps: each retried when transient and named in its error, each timed by phase. */
export interface StepRunner {
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
  timed<T>(phase: PhaseName, work: () => Promise<T> | T): Promise<T>;
  /** Seconds per phase so far, to the millisecond. */
  phases(): Record<PhaseName, number>;
  /** Seconds since the runner was made. */
  elapsed(): number;
}

/** A {@link StepRunner} for one stack. */
export function stepRunner(
  stack: string,
  retry: RetryOptions | undefined,
  progress: (line: string) => void,
): StepRunner {
  const started = performance.now();
  const spent: Record<PhaseName, number> = { init: 0, plan: 0, check: 0, apply: 0, verify: 0 };
  return {
    async step(name, work) {
      try {
        return await withRetries(work, {
          ...retry,
          onRetry: (attempt, delay) =>
            progress(`${stack}: ${name} failed transiently; retry ${attempt} in ${delay} ms`),
        });
      } catch (error) {
        throw new SweepStepError(name, wrapStep(`sweep ${stack}: ${name}`, error));
      }
    },
    async timed(phase, work) {
      const start = performance.now();
      try {
        return await work();
      } finally {
        spent[phase] += performance.now() - start;
      }
    },
    phases: () =>
      Object.fromEntries(Object.entries(spent).map(([phase, ms]) => [phase, seconds(ms)])) as Record<
        PhaseName,
        number
      >,
    elapsed: () => seconds(performance.now() - started),
  };
}

/** Milliseconds to seconds, to the millisecond. */
function seconds(milliseconds: number): number {
  return Math.round(milliseconds) / 1000;
}

/** A saved plan and its `show -json` document. */
export interface PlannedDocument {
  readonly document: unknown;
  readonly planFile: string;
}

/** Plans (saved to `out`, limited to `targets` when given, `-destroy` when asked) and reads the plan back as JSON. */
export async function planDocument(
  workspace: Workspace,
  out: string,
  targets?: readonly string[],
  destroy = false,
): Promise<PlannedDocument> {
  const result = await plan(workspace, {
    out,
    ...(targets ? { targets } : {}),
    // A destroy plan without refresh: the configuration it runs against may hold records
    // that have expired, which tempgrant's provider refuses to plan; destroying needs only the state.
    ...(destroy ? { destroy, refresh: false } : {}),
  });
  return { document: await showJson(workspace, result.planFile), planFile: result.planFile };
}

/** Our own reading of a plan: its shape checked, normalized into the policy input. */
export function normalizePlan(
  planned: PlannedDocument,
  options: { readonly stack: string; readonly now: number; readonly privilegedTypes?: readonly string[] },
): { input: PolicyInput; planFile: string } {
  return {
    input: toPolicyInput(checkPlanShape(planned.document, options.stack), {
      now: options.now,
      fallbackNow: options.now,
      // The sweep selects revocations and never evaluates the policies, which alone read folded names.
      aliases: {},
      ...(options.privilegedTypes ? { privilegedTypes: options.privilegedTypes } : {}),
    }),
    planFile: planned.planFile,
  };
}
