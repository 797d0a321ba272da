import { readFileSync } from "node:fs";
import { setImmediate as yieldToEvents } from "node:timers/promises";
import { loadPolicySync, type LoadedPolicy } from "./opa-sdk.js";
import { TempgrantError } from "../errors.js";
import { errorMessage } from "./error-message.js";
import type { PlanIndex, PolicyInput } from "../plan/index.js";
import { PARTITIONABLE_ENTRYPOINT, shippedBundlePath, VERDICTS_ENTRYPOINT } from "./bundle-location.js";
import type { PolicyConfig } from "./config.js";
import { defaultHelperCount, startHelper, type EvaluationHelper } from "./evaluation-helpers.js";
import { requiredHostBuiltins, SDK_BUILTINS } from "./host-builtins.js";
import { indexedDocuments, policyDocuments, type PolicyDocument } from "./policy-documents.js";
import { compareVerdicts, type Verdict, type Verdicts } from "./verdict.js";
import { wasmEvaluator } from "./wasm-evaluator.js";

/** A policy bundle loaded once and ready to evaluate many inputs. */
export interface PolicyEngine {
  /** Evaluates a policy input already built (plan, apply and sweep build theirs for other uses too). */
  evaluate(input: PolicyInput): Promise<Verdicts>;
  /**
   * Evaluates an indexed plan: the same verdicts as `evaluate` of its whole input, but each
   * part's views are built just before it is evaluated, so helper threads start on the first
   * parts while the rest is still being normalized.
   */
  evaluatePlan(index: PlanIndex): Promise<Verdicts>;
  /**
   * Starts the helper threads now, ahead of a large input, so that their start-up overlaps
   * with reading the plan. Optional: evaluate starts them when an input needs them.
   */
  prepareForLargeInput(): void;
  /** Ends the helper threads (an idle one never keeps the process alive, so this is for tidiness). */
  close(): Promise<void>;
}

/** Options of {@link loadPolicyEngine}. */
export interface PolicyEngineOptions {
  /** Helper threads for large plans; default one per core beyond the main thread's (at most 3), 0 for none. */
  readonly helperThreads?: number;
  /** Grants plus resources per part when the bundle allows checking in parts. */
  readonly itemsPerPart?: number;
}

/**
 * Items per part. OPA's evaluation costs more than linearly in the input: a 10k-grant plan
 * took 560 ms as one document and 185 ms in parts of 1,000 items, on one thread.
 */
export const DEFAULT_ITEMS_PER_PART = 1_000;

/**
 * Parts a helper may have waiting before this thread evaluates one itself. This thread builds
 * the parts (the check's critical path): a helper that falls a little behind (the signature
 * checks on the thread pool share its core) catches up while the next parts are built, rather
 * than this thread stopping to evaluate.
 */
const QUEUED_PER_HELPER = 4;

/** Parts from which an input brings in the helper threads, when prepareForLargeInput did not. */
const HELPERS_FROM_PARTS = 8;

/**
 * Loads a compiled bundle (default: the shipped one) with the configuration as data.
 * Fails closed: a missing or corrupt bundle, a missing entrypoint, or a builtin the runtime
 * lacks is an error with code POLICY_LOAD, never a pass.
 *
 * A large plan is checked in parts, spread over helper threads, when the bundle says its
 * rules allow it (`data.tempgrant.main.partitionable`: every rule judges one grant or one
 * resource at a time); the verdicts are the same as those of one evaluation of the whole.
 */
export async function loadPolicyEngine(
  config: PolicyConfig,
  bundlePath = shippedBundlePath(),
  options: PolicyEngineOptions = {},
): Promise<PolicyEngine> {
  let wasm: Buffer;
  try {
    wasm = readFileSync(bundlePath);
  } catch (error) {
    throw new TempgrantError(
      "POLICY_LOAD",
      `cannot read the policy bundle ${bundlePath}: ${(error as Error).message}`,
    );
  }
  let policy: LoadedPolicy;
  // Compiled once: every instance, in this thread or a helper, shares the compiled module.
  let module: WebAssembly.Module;
  try {
    module = await compileWasm(wasm);
    policy = loadPolicySync(module);
  } catch (error) {
    throw new TempgrantError(
      "POLICY_LOAD",
      `${bundlePath} is not a valid OPA WASM bundle: ${errorMessage(error)}`,
    );
  }
  const missing = (await requiredHostBuiltins(policy)).filter((name) => !SDK_BUILTINS.includes(name));
  if (missing.length > 0) {
    throw new TempgrantError(
      "POLICY_LOAD",
      `${bundlePath} needs builtins the WASM runtime lacks: ${missing.join(", ")}`,
    );
  }
  const entrypoints = Object.keys(
    (policy as unknown as { entrypoints: Record<string, number> }).entrypoints ?? {},
  );
  if (!entrypoints.includes(VERDICTS_ENTRYPOINT)) {
    throw new TempgrantError(
      "POLICY_LOAD",
      `${bundlePath} has no ${VERDICTS_ENTRYPOINT} entrypoint (it has: ${entrypoints.join(", ") || "none"})`,
    );
  }
  const data = { tempgrant: { config } };
  policy.setData(data);
  let partitionable: boolean;
  try {
    partitionable =
      entrypoints.includes(PARTITIONABLE_ENTRYPOINT) && isTrue(policy.evaluate({}, PARTITIONABLE_ENTRYPOINT));
  } catch (error) {
    throw new TempgrantError(
      "POLICY_LOAD",
      `${bundlePath}: ${PARTITIONABLE_ENTRYPOINT} failed: ${errorMessage(error)}`,
    );
  }
  const itemsPerPart = partitionable
    ? (options.itemsPerPart ?? DEFAULT_ITEMS_PER_PART)
    : Number.POSITIVE_INFINITY;
  const helperCount = partitionable ? (options.helperThreads ?? defaultHelperCount()) : 0;
  const local = wasmEvaluator(module, data, VERDICTS_ENTRYPOINT);
  let helpers: EvaluationHelper[] = [];
  const startHelpers = () => {
    while (helpers.length < helperCount) helpers.push(startHelper(module, data, VERDICTS_ENTRYPOINT));
  };

  return {
    prepareForLargeInput: startHelpers,
    async close() {
      await Promise.all(helpers.map((helper) => helper.close()));
      helpers = [];
    },
    evaluate: (input: PolicyInput) =>
      evaluateDocuments(policyDocuments(input, itemsPerPart), input.grants.length + input.resources.length),
    evaluatePlan: (index: PlanIndex) =>
      evaluateDocuments(indexedDocuments(index, itemsPerPart), index.records.length + index.resources.length),
  };

  async function evaluateDocuments(documents: Iterable<PolicyDocument>, items: number): Promise<Verdicts> {
    const encoder = new TextEncoder();
    const results: Promise<unknown>[] = [];
    let raw: unknown[];
    try {
      // Starting a thread costs about 90 ms of the other core and some of this one: worth it
      // from several parts on (a helper that is not ready yet is simply not given any).
      if (items >= HELPERS_FROM_PARTS * itemsPerPart) startHelpers();
      for (const document of documents) {
        // Between parts, let work finished on other threads land (approvals verified ahead:
        // PlanIndex.verifyApprovalsAhead), so the next parts' views find it done.
        await yieldToEvents();
        const bytes = encoder.encode(JSON.stringify(document));
        // Keep each ready helper fed (a few parts queued; their counters need no event loop);
        // evaluate here only when all are that far behind or still starting, so a helper that
        // starts late never holds a part back.
        const idle = helpers.find((helper) => helper.ready() && helper.pending() < QUEUED_PER_HELPER);
        if (idle) {
          const result = idle.evaluate(bytes);
          // Nothing is left unobserved if a later part fails first.
          result.catch(() => undefined);
          results.push(result);
        } else {
          results.push(Promise.resolve(local.evaluate(bytes)));
        }
      }
      raw = await Promise.all(results);
    } catch (error) {
      throw new TempgrantError("POLICY_EVAL", `policy evaluation failed: ${errorMessage(error)}`);
    }
    return mergeVerdicts(raw.map(decodeVerdicts));
  }
}

/** An entrypoint's result set is exactly `true`. */
function isTrue(result: unknown): boolean {
  return (result as { result?: unknown }[] | undefined)?.[0]?.result === true;
}

/** WebAssembly.compile: Node has it, but TypeScript declares its value only in the DOM lib, which we leave out. */
function compileWasm(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const runtime = (
    globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WebAssembly.Module> } }
  ).WebAssembly;
  return runtime.compile(bytes);
}

/** Turns the raw WASM result into verdict lists; an unexpected shape is an error, not a pass. */
function decodeVerdicts(result: unknown): Verdicts {
  const value = (result as { result?: unknown }[] | undefined)?.[0]?.result as
    { deny?: unknown; warn?: unknown } | undefined;
  if (!value || !Array.isArray(value.deny) || !Array.isArray(value.warn)) {
    throw new TempgrantError(
      "POLICY_EVAL",
      "the policy returned no verdict lists (is the entrypoint right?)",
    );
  }
  const check = (list: unknown[], level: Verdict["level"]): Verdict[] =>
    list.map((item) => {
      const v = item as Partial<Record<"rule" | "grant" | "address" | "message", unknown>>;
      if (typeof v.rule !== "string" || typeof v.message !== "string") {
        throw new TempgrantError(
          "POLICY_EVAL",
          `the policy returned a malformed verdict: ${JSON.stringify(item)}`,
        );
      }
      return {
        level,
        rule: v.rule,
        grant: typeof v.grant === "string" ? v.grant : null,
        address: typeof v.address === "string" ? v.address : null,
        message: v.message,
      };
    });
  return { deny: check(value.deny, "deny"), warn: check(value.warn, "warn") };
}

/**
 * One verdict list per level from the parts' lists, in a stable order. A verdict found in
 * two parts (two records sharing an id share their resources) is kept once, as a set would.
 */
export function mergeVerdicts(parts: readonly Verdicts[]): Verdicts {
  const unique = (list: Verdict[]) => {
    const seen = new Set<string>();
    return list.filter((verdict) => {
      const key = JSON.stringify([verdict.rule, verdict.grant, verdict.address, verdict.message]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  return {
    deny: unique(parts.flatMap((part) => part.deny)).sort(compareVerdicts),
    warn: unique(parts.flatMap((part) => part.warn)).sort(compareVerdicts),
  };
}
