import { quoteValue, TempgrantError, wrapStep } from "../errors.js";
import { GrantProblemsError } from "../grant/grants-file.js";
import type { Workspace } from "../runner/workspace.js";

/** Which app, clock, stacks and engine a run drives (`--now`, `--stack`, `--chdir`, `--out`, `--engine`, `--lock-timeout`). */
export interface StackSelection {
  now?: string;
  stack: string[];
  chdir: string;
  out: string;
  engine?: string;
  lockTimeout: string;
}

/** One synthesized stack, ready to drive. */
export interface SynthesizedStack {
  readonly name: string;
  readonly workspace: Workspace;
}

/** Runs the app at the run's clock and returns the selected stacks with their workspaces. */
export async function synthesizeStacks(
  options: StackSelection,
  now: string,
  extra: { revocationMargin: string; invalidGrants?: "fail" | "skip" },
): Promise<SynthesizedStack[]> {
  const [{ synthApp }, { resolveEngine }] = await Promise.all([
    import("../check/synth-app.js"),
    import("../runner/engine.js"),
  ]);
  const stacks = await synthApp({ projectDir: options.chdir, outdir: options.out, now, ...extra }).catch(
    (error: unknown) => {
      // Grant problems are printed as `tempgrant grants` prints them: one line each, file first.
      throw error instanceof GrantProblemsError ? error : wrapStep("synth", error);
    },
  );
  const names = options.stack.length > 0 ? options.stack : Object.keys(stacks);
  const engine = resolveEngine(options.engine ? { kind: options.engine } : {});
  return names.map((name) => {
    const workingDir = stacks[name];
    if (!workingDir) {
      throw new TempgrantError(
        "USAGE",
        `no stack ${quoteValue(name)} (the app synthesized: ${Object.keys(stacks).join(", ")})`,
      );
    }
    // The provider reads the run's clock too: it can only move the provider's clock forward
    // (a later clock refuses more grants), so a run at a moved clock never creates what it should not.
    return {
      name,
      workspace: { engine, workingDir, lockTimeout: options.lockTimeout, env: { TEMPGRANT_NOW: now } },
    };
  });
}
