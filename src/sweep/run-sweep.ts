import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { accessWindows } from "../audit/access-windows.js";
import type { FailureEvent, LedgerEvent, RecoveredEvent, SweepDegradation } from "../audit/ledger/entry.js";
import { resolveLedgerPath } from "../audit/ledger/location.js";
import { readLedger } from "../audit/ledger/read.js";
import { failureEvent, openLedgerRecorder } from "../audit/ledger/recorder.js";
import { readLedgerHead } from "../audit/ledger/tail.js";
import { synthAppRun, type SynthRun } from "../check/synth-app.js";
import { TempgrantError } from "../errors.js";
import type { RunStatus } from "../run-status.js";
import { formatDuration } from "../grant/duration.js";
import { formatTimestamp } from "../grant/time.js";
import { resolveConfig, type CheckConfig } from "../policy/config.js";
import { isTransientFailure, resolveEngine, type Engine, type Workspace } from "../runner/index.js";
import { listedGrants, nextExpiry, type ListedGrant } from "../check/declared-listing.js";
import { lastGoodStacks, saveLastGood, type LastGood } from "./last-good.js";
import { ledgerMemory, NO_MEMORY, type OwnershipMemory } from "./ownership.js";
import { targetChecks } from "../targets/registry.js";
import { revokeFromState } from "./state-revocation.js";
import { fastPathStacks, type AppContext } from "./fast-path.js";
import { updateSweepBase } from "./base-update.js";
import { grantsAt, type SweepBase } from "./sweep-base.js";
import { sweepEventBody, type SweepEventBody } from "./sweep-event.js";
import { SweepStepError, sweepStack, type SweepStackResult } from "./sweep-stack.js";

/** Options of {@link runSweep}: the command line, parsed. */
export interface RunSweepOptions {
  /** The project folder holding cdktf.json (`--chdir`). */
  readonly projectDir: string;
  /** Where the app synthesizes, relative to the project (`--out`). */
  readonly outdir: string;
  /** Only these stacks (`--stack`); empty for all. */
  readonly stacks: readonly string[];
  /** The run's clock, epoch seconds. */
  readonly now: number;
  /** Loads tempgrant.yaml (`--config`); a failure is recorded and the defaults are used. */
  readonly loadConfig: () => Promise<CheckConfig>;
  /** `--ledger`. */
  readonly ledger?: string;
  /** `--engine`. */
  readonly engine?: string;
  readonly lockTimeout: string;
  /** Kill the cdktf app after this many seconds and sweep degraded. */
  readonly synthTimeoutSeconds: number;
  readonly dryRun: boolean;
  /** `--full`: always run the app and plan in full, never the fast path. */
  readonly full?: boolean;
  /** Progress for people (stderr). */
  readonly log: (line: string) => void;
  /** An event the ledger refused, and why: the caller must still show it (stderr, as JSON). */
  readonly onUnrecorded: (event: LedgerEvent, error: string) => void;
}

/** What happened to one stack. */
export interface StackReport {
  readonly stack: string;
  /** The sweep's outcome; absent when the stack's sweep failed. */
  readonly body?: SweepEventBody;
  /** The error that stopped this stack's sweep. */
  readonly error?: string;
  /** The next expiry's grant id, for the summary line. */
  readonly nextExpiryId?: string;
}

/** What {@link runSweep} did; `exitCode` is computed from it in one place ({@link sweepExitCode}). */
export interface SweepRunResult {
  readonly now: string;
  readonly ledgerPath: string;
  readonly stacks: readonly StackReport[];
  /** Failures of the run itself (config, synth with nothing to revoke from, engine). */
  readonly failures: readonly FailureEvent[];
  /** Recovered events: revocations an earlier sweep could not record. */
  readonly recovered: readonly RecoveredEvent[];
  /** Events the ledger refused (they went to stderr instead). */
  readonly unrecorded: number;
  /** True when a failure is the command line's (an unknown --stack). */
  readonly usageError: boolean;
  readonly status: SweepStatus;
}

/**
 * How a sweep ended (src/run-status.ts): `failed` when a stack's sweep, a verification, the
 * run itself or the ledger failed; `usage` for a bad command line found late with nothing
 * else wrong; then `degraded`, `pending`, `ok`.
 */
export type SweepStatus = RunStatus;

/** The status of a sweep, from its result: the one place it is decided. */
export function sweepStatus(result: Omit<SweepRunResult, "status">, dryRun: boolean): SweepStatus {
  const usageOnly =
    result.usageError && result.unrecorded === 0 && result.stacks.every((stack) => !stack.error);
  const failed =
    result.failures.length > 0 ||
    result.unrecorded > 0 ||
    result.stacks.some((stack) => stack.error !== undefined || (!dryRun && stack.body?.verified === false));
  if (failed)
    return usageOnly && result.failures.every((failure) => failure.step === "sweep") ? "usage" : "failed";
  if (result.stacks.some((stack) => stack.body?.degraded !== undefined)) return "degraded";
  if (result.stacks.some((stack) => (stack.body?.pending.length ?? 0) > 0)) return "pending";
  return "ok";
}

/** The ledger as the sweep uses it: never a reason not to revoke. */
interface SweepLedger {
  readonly path: string;
  /** Appends, or hands the event to `onUnrecorded`; never throws. */
  record(event: LedgerEvent): Promise<void>;
  /** What the ledger remembers, per stack; empty when it could not be read. */
  memory(stack: string): OwnershipMemory;
  /** Grants the ledger says are open in a stack; undefined when it could not be read. */
  open(stack: string): Set<string> | undefined;
  unrecorded(): number;
}

async function openLedger(path: string, options: RunSweepOptions): Promise<SweepLedger> {
  let lines: Awaited<ReturnType<typeof readLedger>> | undefined;
  try {
    // A corrupt head means no append can chain: find out now, and say so once.
    await readLedgerHead(path);
    lines = existsSync(path) && statSync(path).size > 0 ? await readLedger(path) : [];
  } catch (error) {
    options.log(
      `WARNING the ledger cannot be read (${(error as Error).message}); revoking anyway, events go to stderr`,
    );
  }
  const recorder = openLedgerRecorder(path, { dryRun: options.dryRun, onUnrecorded: options.onUnrecorded });
  const windows = lines ? accessWindows(lines) : undefined;
  return {
    path,
    record: (event) => recorder.record(event),
    memory: (stack) => (lines ? ledgerMemory(lines, stack) : NO_MEMORY),
    open: (stack) =>
      windows
        ? new Set(
            windows
              .filter((window) => window.stack === stack && window.ending === "open")
              .map((window) => window.id),
          )
        : undefined,
    unrecorded: () => recorder.unrecorded(),
  };
}

/** One stack to sweep, and how. */
interface StackPlan {
  readonly stack: string;
  readonly workspace: Workspace;
  /** Why the stack is swept from the state; undefined for a normal sweep. */
  readonly degradedReason?: string;
  readonly lastGood?: LastGood;
  /** The fast path's base: swept from the state, the app not run (docs/sweep.md, "The fast path"). */
  readonly fast?: SweepBase;
}

/**
 * `tempgrant sweep`: synthesize at the run's clock, sweep each stack (or revoke from the
 * state alone when the app cannot give its configuration), record every event, and compute the
 * exit status. Never throws for what happens in the run: failures are in the result (and in
 * the ledger); only a bad command line found before any work throws.
 */
export async function runSweep(options: RunSweepOptions): Promise<SweepRunResult> {
  const now = formatTimestamp(options.now);
  const failures: FailureEvent[] = [];
  const fail = (step: string, stack: string, error: unknown): FailureEvent => {
    const event = failureEvent({ step, now, stack, error });
    failures.push(event);
    return event;
  };
  // A broken tempgrant.yaml never stops revocation: sweep with the defaults, degraded.
  let configProblem: string | undefined;
  const config = await options.loadConfig().catch((error: unknown) => {
    configProblem = `tempgrant.yaml: ${(error as Error).message}`;
    return resolveConfig();
  });
  const ledger = await openLedger(
    resolveLedgerPath({ option: options.ledger, config, projectDir: options.projectDir }),
    options,
  );
  const result = (stacks: StackReport[], recovered: RecoveredEvent[], usageError = false): SweepRunResult => {
    const partial = {
      now,
      ledgerPath: ledger.path,
      stacks,
      failures,
      recovered,
      unrecorded: ledger.unrecorded(),
      usageError,
    };
    return { ...partial, status: sweepStatus(partial, options.dryRun) };
  };
  if (configProblem) {
    options.log(`WARNING ${configProblem}; sweeping with the default settings (revocation margin 0)`);
    await ledger.record(fail("config", "*", configProblem));
  }
  let engine: Engine;
  try {
    engine = resolveEngine(options.engine ? { kind: options.engine } : {});
  } catch (error) {
    await ledger.record(fail("engine", "*", error));
    return result([], [], error instanceof TempgrantError && error.code === "USAGE");
  }

  const workspace = (workingDir: string): Workspace => ({
    engine,
    workingDir,
    lockTimeout: options.lockTimeout,
  });
  const context: AppContext = {
    projectDir: options.projectDir,
    outdir: options.outdir,
    now: options.now,
    config,
  };
  // The fast path: when nothing the app reads changed since the last full sweep, the app is
  // not run; a broken tempgrant.yaml or --full always runs it. Its check is timed as `synth`.
  const synthStarted = performance.now();
  const fast =
    options.full || configProblem
      ? { reason: options.full ? "--full" : "tempgrant.yaml is unreadable" }
      : await fastPathStacks({ ...context, stacks: options.stacks, workspace });
  let synthRun: SynthRun | undefined;
  let synthesized: Record<string, string> | undefined;
  let synthProblem: string | undefined;
  if (!("stacks" in fast)) {
    if (!options.full) options.log(`full sweep: ${fast.reason}`);
    try {
      synthRun = await synthAppRun({
        projectDir: options.projectDir,
        outdir: options.outdir,
        now,
        revocationMargin: formatDuration(config.revocationMarginSeconds),
        invalidGrants: "skip",
        timeoutMs: options.synthTimeoutSeconds * 1000,
        recordInputs: true,
      });
      synthesized = synthRun.stacks;
    } catch (error) {
      synthProblem = `synth: ${(error as Error).message}`;
      options.log(`the cdktf app failed: ${synthProblem}`);
    }
  }
  const synthSeconds = Math.round(performance.now() - synthStarted) / 1000;
  const known = lastGoodStacks(options.projectDir);
  const names =
    "stacks" in fast
      ? []
      : options.stacks.length > 0
        ? [...options.stacks]
        : [...new Set([...Object.keys(synthesized ?? {}), ...known.keys()])].sort();
  const plans: StackPlan[] =
    "stacks" in fast
      ? fast.stacks.map((stack) => ({
          stack: stack.stack,
          workspace: stack.workspace,
          lastGood: stack.lastGood,
          fast: stack.base,
        }))
      : [];
  let usageError = false;
  for (const stack of names) {
    const dir = synthesized?.[stack];
    const lastGood = known.get(stack);
    if (dir !== undefined) {
      plans.push({ stack, workspace: workspace(dir), ...(lastGood ? { lastGood } : {}) });
    } else if (lastGood) {
      const reason =
        synthProblem ??
        `the app did not synthesize stack "${stack}" (renamed or removed?), which an earlier sweep swept`;
      plans.push({ stack, workspace: workspace(lastGood.workingDir), degradedReason: reason, lastGood });
    } else if (synthesized) {
      usageError = true;
      await ledger.record(
        fail(
          "sweep",
          stack,
          `no stack "${stack}" (the app synthesized: ${Object.keys(synthesized).join(", ")})`,
        ),
      );
    }
  }
  if (synthProblem && plans.length === 0) {
    // Nothing to revoke from: no stack was ever swept here with a good configuration.
    await ledger.record(
      fail(
        "synth",
        options.stacks.join(",") || "*",
        `${synthProblem}; no last good configuration to revoke from`,
      ),
    );
  }

  const stacks: StackReport[] = [];
  const recovered: RecoveredEvent[] = [];
  const targetCheck = targetChecks();
  for (const plan of plans) {
    const { stack } = plan;
    const declared: ListedGrant[] = plan.fast
      ? grantsAt(plan.workspace.workingDir, options.now, config.revocationMarginSeconds).grants
      : plan.degradedReason === undefined
        ? listedGrants(plan.workspace.workingDir)
        : [];
    const invalid = declared.filter((grant) => grant.status === "invalid");
    for (const grant of invalid) {
      // One line per problem, located as `tempgrant grants` locates it (file:line path).
      for (const problem of grant.problems) {
        const where = problem.file
          ? `${problem.file}${problem.line ? `:${problem.line}` : ""}`
          : grant.source;
        options.log(
          `INVALID grant ${grant.id} (${where}${problem.path ? ` ${problem.path}` : ""}) is revoked: ${problem.message}`,
        );
      }
    }
    const common = {
      stack,
      workspace: plan.workspace,
      now: options.now,
      privilegedTypes: config.privilegedTypes,
      revocationMarginSeconds: config.revocationMarginSeconds,
      dryRun: options.dryRun,
      onProgress: options.log,
      memory: ledger.memory(stack),
      // Every path checks inside the target what it revoked: full, fast and degraded alike.
      targetCheck,
      onBeforeApply: ({ grants, planSha256 }: { grants: readonly string[]; planSha256: string }) =>
        ledger.record({ type: "sweep-started", stack, now, grants, planSha256 }),
    };
    const fromState = (reason: string, configuration: { file: string; kind: "last-good" | "current" }) =>
      revokeFromState({
        ...common,
        reason,
        configuration,
        ...(plan.degradedReason === undefined ? { isRemoved: notActiveIn(declared) } : {}),
      });
    let outcome: SweepStackResult & { degraded?: SweepDegradation };
    try {
      if (plan.fast) {
        options.log(
          `${stack}: fast path: nothing the app reads changed since the last full sweep; revoking from the state`,
        );
        // The same revocation as degraded mode, against the full sweep's configuration, with
        // what a synth at this clock would declare: it is not degraded, so it does not say so.
        const { degraded: _same, ...fromStateOutcome } = await revokeFromState({
          ...common,
          onProgress: (line) => {
            if (!line.startsWith(`${stack}: DEGRADED`)) options.log(line);
          },
          reason: "nothing the app reads changed since the last full sweep",
          configuration: { file: plan.lastGood!.configFile, kind: "last-good" },
          isRemoved: notActiveIn(declared),
        });
        outcome = fromStateOutcome;
      } else if (plan.degradedReason !== undefined) {
        outcome = await fromState(plan.degradedReason, {
          file: plan.lastGood!.configFile,
          kind: "last-good",
        });
      } else {
        try {
          outcome = await sweepStack(common);
          // A stack whose state holds nothing has nothing to revoke from: keep no configuration for it.
          if (!options.dryRun && outcome.stateSerialAfter !== null) {
            try {
              saveLastGood(options.projectDir, stack, plan.workspace.workingDir);
            } catch (error) {
              options.log(
                `${stack}: WARNING cannot keep the last good configuration: ${(error as Error).message}`,
              );
            }
          }
        } catch (error) {
          // A plan that fails (one grant breaking its own plan, a provider error) never holds
          // back the revocations the state alone shows: revoke those, degraded.
          // A held lock or an unreachable backend would stop the state-only path as well.
          if (
            !(error instanceof SweepStepError) ||
            !error.step.startsWith("plan") ||
            isTransientFailure(error)
          ) {
            throw error;
          }
          const configuration = plan.lastGood
            ? { file: plan.lastGood.configFile, kind: "last-good" as const }
            : { file: join(plan.workspace.workingDir, "cdk.tf.json"), kind: "current" as const };
          outcome = await fromState(`the plan failed: ${error.message}`, configuration);
        }
      }
    } catch (error) {
      await ledger.record(fail("sweep", stack, error));
      stacks.push({ stack, error: (error as Error).message });
      continue;
    }
    const { heldBefore } = outcome;
    const next = nextExpiry(declared.filter((grant) => !outcome.revoked.some((r) => r.id === grant.id)));
    const body = sweepEventBody(outcome, {
      synthSeconds,
      invalidGrants: invalid.map((grant) => grant.id),
      nextExpiry: next?.expiresAt ? formatTimestamp(next.expiresAt) : null,
      ...(configProblem
        ? { runDegraded: { reason: configProblem, unknownGrants: [], configuration: "current" as const } }
        : {}),
      ...(plan.fast ? { path: "state" as const } : {}),
    });
    if (!options.dryRun) {
      const gone = unrecordedRevocations(ledger.open(stack), heldBefore, outcome.revoked);
      if (gone.length > 0 && outcome.stateSerialBefore === null) {
        // No state at all is not proof that access is gone: a state can be lost (deleted, or
        // left empty by an engine stopped mid-write). Never record these grants as revoked.
        const message =
          `the ledger shows ${gone.join(", ")} applied and never revoked, but the stack has no state at all: ` +
          "their access may still be in the target; put the state back (the backend's history or backup) and sweep again";
        options.log(`${stack}: ${message}`);
        await ledger.record(fail("sweep", stack, message));
        stacks.push({ stack, error: message });
        continue;
      }
      if (gone.length > 0) {
        const event: RecoveredEvent = {
          type: "recovered",
          stack,
          now,
          grants: gone,
          reason:
            "the ledger shows these grants applied and never revoked, but the state held none of their access",
        };
        options.log(`${stack}: recovered unrecorded revocation(s): ${gone.join(", ")}`);
        recovered.push(event);
        await ledger.record(event);
      }
      await ledger.record({ type: "sweep", ...body });
      // Only a sweep that applied something has a revocation to vouch for.
      if (outcome.planSha256 !== null) {
        await ledger.record({
          type: "verification",
          stack,
          now,
          grants: outcome.revoked.map((grant) => grant.id),
          verified: outcome.verified,
          method: [
            outcome.degraded || plan.fast ? "state" : "re-plan",
            ...new Set((outcome.targetChecks ?? []).map((check) => check.method)),
          ].join("+"),
          ...(outcome.targetChecks && outcome.targetChecks.length > 0
            ? { targetChecks: outcome.targetChecks }
            : {}),
        });
      }
    }
    if (!options.dryRun) {
      updateSweepBase({
        ...context,
        stack,
        workspace: plan.workspace,
        outcome,
        invalidGrants: invalid.length,
        runDegraded: configProblem !== undefined,
        ...(plan.fast ? { fast: plan.fast } : {}),
        ...(synthRun ? { synthRun } : {}),
        log: options.log,
      });
    }
    stacks.push({ stack, body, ...(next ? { nextExpiryId: next.id } : {}) });
  }
  return result(stacks, recovered, usageError);
}

/**
 * Whether this run's synth leaves a grant out: anything not active in it (expired, invalid,
 * removed from the code, not started) has no place in the state.
 */
function notActiveIn(declared: readonly ListedGrant[]): (id: string) => boolean {
  const active = new Set(declared.filter((grant) => grant.status === "active").map((grant) => grant.id));
  return (id) => !active.has(id);
}

/**
 * Grants the ledger left open that the state held no access for before this sweep, and that
 * this sweep did not revoke itself: an earlier sweep revoked them without recording it.
 */
function unrecordedRevocations(
  open: ReadonlySet<string> | undefined,
  heldBefore: readonly string[],
  revoked: readonly { readonly id: string }[],
): string[] {
  if (!open) return [];
  const held = new Set([...heldBefore, ...revoked.map((grant) => grant.id)]);
  return [...open].filter((id) => !held.has(id)).sort();
}
