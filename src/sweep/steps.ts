import { performance } from "node:perf_hooks";
import { TempgrantError, wrapStep } from "../errors.js";
import { planActions, type PlanActions } from "../plan/plan-actions.js";
import { planOfDocument, type PlannedDocument } from "../plan/plan-run.js";
import { withRetries, type RetryOptions } from "../runner/index.js";

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

/** Options of {@link readActions}: the run's clock, and the privileged types (which decide nothing here but the index's reading). */
export interface ReadActionsOptions {
  readonly stack: string;
  readonly now: number;
  readonly privilegedTypes?: readonly string[];
}

/**
 * The sweep's reading of a plan from the plan-and-normalize pipeline (src/plan/plan-run.ts):
 * its shape checked, and only what it does (the sweep selects revocations and never
 * evaluates the policies, so it builds no policy input).
 */
export function readActions(
  planned: PlannedDocument,
  options: ReadActionsOptions,
): { actions: PlanActions; planFile: string } {
  return {
    actions: planActions(planOfDocument(planned.document, options.stack), {
      now: options.now,
      fallbackNow: options.now,
      ...(options.privilegedTypes ? { privilegedTypes: options.privilegedTypes } : {}),
    }),
    planFile: planned.planFile,
  };
}
