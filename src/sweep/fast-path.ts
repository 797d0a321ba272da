import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { compiledApp } from "../check/compiled-app.js";
import { appCommand, appEnvironment } from "../check/synth-app.js";
import { formatDuration } from "../grant/duration.js";
import { formatTimestamp } from "../grant/time.js";
import type { CheckConfig } from "../policy/config.js";
import { stateIdentity, type Workspace } from "../runner/index.js";
import { lastGoodStacks, restoreConfiguration, type LastGood } from "./last-good.js";
import {
  configurationRefusal,
  FAST_PATH_MAX_AGE_SECONDS,
  FAST_PATH_MAX_REVOCATIONS,
  grantsAt,
  readSweepBase,
  stackInputsDigest,
  type SweepBase,
} from "./sweep-base.js";
import { sha256File } from "../exec/sha256-file.js";

/** A stack the sweep can revoke from the state without running the app. */
export interface FastStack {
  readonly stack: string;
  readonly lastGood: LastGood;
  readonly base: SweepBase;
  readonly workspace: Workspace;
}

/** What the app would be given and read, shared by the check here and the base a full sweep writes. */
export interface AppContext {
  readonly projectDir: string;
  readonly outdir: string;
  /** The run's clock, epoch seconds. */
  readonly now: number;
  readonly config: CheckConfig;
}

/** The environment the sweep runs the app with (the clock is not part of any digest). */
export function sweepAppEnvironment(context: AppContext): NodeJS.ProcessEnv {
  return appEnvironment({
    projectDir: context.projectDir,
    outdir: context.outdir,
    now: formatTimestamp(context.now),
    revocationMargin: formatDuration(context.config.revocationMarginSeconds),
    invalidGrants: "skip",
  });
}

/** cdktf.json's text, part of every digest. */
export function cdktfJsonText(projectDir: string): string {
  return readFileSync(join(projectDir, "cdktf.json"), "utf8");
}

/**
 * The stacks to sweep on the fast path, or why the app must run (docs/sweep.md, "The fast
 * path"): every stack swept must have a base (a full sweep that left nothing to do), the
 * last good configuration that sweep kept, the same digest of everything the app reads and
 * the engine runs with, no grant starting by the clock, a base under a day old, and a state
 * whose serial is the one that sweep (or the fast sweeps since) left. Anything else, or
 * anything that cannot be read, is a full sweep.
 */
export async function fastPathStacks(
  context: AppContext & {
    readonly stacks: readonly string[];
    readonly workspace: (workingDir: string) => Workspace;
  },
): Promise<{ readonly stacks: FastStack[] } | { readonly reason: string }> {
  const known = lastGoodStacks(context.projectDir);
  const names = context.stacks.length > 0 ? [...context.stacks] : [...known.keys()];
  if (names.length === 0) return { reason: "no earlier full sweep" };
  let argv: string[];
  let cdktfJson: string;
  try {
    argv = appCommand(context.projectDir);
    cdktfJson = cdktfJsonText(context.projectDir);
  } catch (error) {
    return { reason: (error as Error).message };
  }
  const outdir = resolve(context.projectDir, context.outdir);
  const compiled = await compiledApp(context.projectDir, argv, { outdir });
  if (!compiled) return { reason: "the app is not one tempgrant compiles" };
  const appEnv = sweepAppEnvironment(context);
  const bases = new Map(names.map((stack) => [stack, readSweepBase(context.projectDir, stack)]));
  if (context.stacks.length === 0) {
    // Every stack the app synthesized, including one whose state was empty (no base, no last good).
    for (const base of bases.values())
      for (const stack of base?.appStacks ?? []) if (!bases.has(stack)) bases.set(stack, undefined);
  }
  const stacks: FastStack[] = [];
  for (const [stack, base] of bases) {
    const lastGood = known.get(stack);
    if (!lastGood || !base) return { reason: `no full sweep of stack "${stack}" to start from` };
    const age = context.now - base.synthNow;
    if (age < 0 || age > FAST_PATH_MAX_AGE_SECONDS)
      return {
        reason: `the last full sweep of "${stack}" is ${age < 0 ? "after the clock" : "over a day old"}`,
      };
    try {
      if (sha256File(lastGood.configFile) !== base.configSha256)
        return { reason: `the last good configuration of "${stack}" is not the full sweep's` };
      const refusal = configurationRefusal(lastGood.configFile);
      if (refusal) return { reason: refusal };
      const workspace = context.workspace(lastGood.workingDir);
      restoreConfiguration(lastGood.configFile, lastGood.workingDir);
      const at = grantsAt(lastGood.workingDir, context.now, context.config.revocationMarginSeconds);
      if (at.starting) return { reason: `a grant of "${stack}" starts by the clock` };
      if (at.expiring > FAST_PATH_MAX_REVOCATIONS)
        return {
          reason: `${at.expiring} grants of "${stack}" expired since the last full sweep: one full plan is faster than a plan limited to each`,
        };
      const digest = stackInputsDigest({
        bundle: compiled.bundle,
        cdktfJson,
        inputs: base.inputs,
        appEnv,
        outdir,
        config: context.config,
        workspace,
      });
      if (digest !== base.digest) return { reason: "what the app reads changed since the last full sweep" };
      const { serial } = await stateIdentity(workspace);
      if (serial !== base.serial)
        return { reason: `the state of "${stack}" changed since the last full sweep (another run applied)` };
      stacks.push({ stack, lastGood, base, workspace });
    } catch (error) {
      return { reason: `cannot compare with the last full sweep: ${(error as Error).message}` };
    }
  }
  return { stacks };
}
