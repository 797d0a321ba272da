import { join, resolve } from "node:path";
import type { SynthRun } from "../check/synth-app.js";
import type { Workspace } from "../runner/index.js";
import { cdktfJsonText, sweepAppEnvironment, type AppContext } from "./fast-path.js";
import { lastGoodStacks } from "./last-good.js";
import {
  configurationRefusal,
  dropSweepBase,
  stackInputsDigest,
  writeSweepBase,
  type SweepBase,
} from "./sweep-base.js";
import type { SweepStackResult } from "./sweep-stack.js";
import { sha256File } from "../exec/sha256-file.js";

/** What a stack's sweep did, for {@link updateSweepBase}. */
export interface SweptStack extends AppContext {
  readonly stack: string;
  readonly workspace: Workspace;
  readonly outcome: SweepStackResult & { readonly degraded?: unknown };
  readonly invalidGrants: number;
  /** tempgrant.yaml could not be read: swept with the defaults. */
  readonly runDegraded: boolean;
  /** The base this sweep started from (the fast path). */
  readonly fast?: SweepBase;
  /** The app's run (full path). */
  readonly synthRun?: SynthRun;
  readonly log: (line: string) => void;
}

/**
 * After a stack's sweep (not a dry run): keeps the base of the next fast path, or drops it.
 * A fast sweep that verified moves its base to the state it left; a full sweep becomes the
 * base only when it left nothing to do (verified, nothing pending, no invalid grant, not
 * degraded) and the app's run can be replayed (compiled, nothing untracked read, the
 * configuration refused by nothing in {@link configurationRefusal}). Anything else drops it:
 * the next sweep runs the app.
 */
export function updateSweepBase(swept: SweptStack): void {
  const { outcome } = swept;
  const serial = outcome.stateSerialAfter;
  try {
    if (swept.fast) {
      if (outcome.verified && serial !== null) writeSweepBase(swept.projectDir, { ...swept.fast, serial });
      else dropSweepBase(swept.projectDir, swept.stack);
      return;
    }
    const base = fullSweepBase(swept, serial);
    if ("digest" in base) {
      writeSweepBase(swept.projectDir, base);
    } else {
      dropSweepBase(swept.projectDir, swept.stack);
      swept.log(`${swept.stack}: the next sweep runs the app too: ${base.reason}`);
    }
  } catch (error) {
    // Never a reason to fail a sweep: without a base, the next one runs the app.
    swept.log(`${swept.stack}: WARNING cannot keep the fast path's base: ${(error as Error).message}`);
    try {
      dropSweepBase(swept.projectDir, swept.stack);
    } catch {
      // nothing more to do: a base that cannot be removed cannot be read as current either
    }
  }
}

/** The base a full sweep lays, or why it lays none. */
function fullSweepBase(
  swept: SweptStack,
  serial: number | null,
): Omit<SweepBase, "format"> | { readonly reason: string } {
  const { outcome, synthRun } = swept;
  if (!synthRun?.bundle) return { reason: "the app is not one tempgrant compiles" };
  if (!synthRun.inputs) return { reason: "what the app read is unknown" };
  if (synthRun.inputs.untracked.length > 0)
    return { reason: `what the app read cannot be replayed: ${synthRun.inputs.untracked.join(", ")}` };
  if (outcome.degraded !== undefined || swept.runDegraded) return { reason: "this sweep was degraded" };
  if (!outcome.verified) return { reason: "this sweep did not verify" };
  if (outcome.pending.length > 0) return { reason: "other changes are pending" };
  if (swept.invalidGrants > 0) return { reason: "a grant is invalid" };
  if (serial === null) return { reason: "the state is empty" };
  const lastGood = lastGoodStacks(swept.projectDir).get(swept.stack);
  const config = join(swept.workspace.workingDir, "cdk.tf.json");
  if (!lastGood || resolve(lastGood.workingDir) !== resolve(swept.workspace.workingDir))
    return { reason: "no last good configuration was kept" };
  const configSha256 = sha256File(lastGood.configFile);
  if (configSha256 !== sha256File(config)) return { reason: "no last good configuration was kept" };
  const refusal = configurationRefusal(config);
  if (refusal !== undefined) return { reason: refusal };
  const digest = stackInputsDigest({
    bundle: synthRun.bundle,
    cdktfJson: cdktfJsonText(swept.projectDir),
    inputs: synthRun.inputs,
    appEnv: sweepAppEnvironment(swept),
    outdir: resolve(swept.projectDir, swept.outdir),
    config: swept.config,
    workspace: swept.workspace,
  });
  if (digest === undefined)
    return { reason: "what the app read, or the engine's set-up, cannot be read back" };
  return {
    stack: swept.stack,
    digest,
    inputs: synthRun.inputs,
    configSha256,
    serial,
    synthNow: swept.now,
    appStacks: Object.keys(synthRun.stacks).sort(),
  };
}
