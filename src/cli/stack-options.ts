import type { Command } from "commander";
import { TempgrantError, wrapStep } from "../errors.js";
import { DEFAULT_LOCK_TIMEOUT } from "../runner/workspace.js";
import type { Workspace } from "../runner/workspace.js";

/** The options every command that runs the cdktf app and its stacks shares. */
export interface StackRunOptions {
  now?: string;
  config?: string;
  stack: string[];
  chdir: string;
  out: string;
  engine?: string;
  lockTimeout: string;
}

/** Adds the shared options (clock, config, stacks, project, engine, lock timeout) to a command. */
export function withStackOptions(command: Command, nowHelp: string): Command {
  return command
    .option("--now <time>", nowHelp)
    .option(
      "--config <file>",
      "tempgrant.yaml with the policy limits (default: ./tempgrant.yaml when present)",
    )
    .option(
      "--stack <name>",
      "only this stack (repeatable)",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option("--chdir <dir>", "the project folder holding cdktf.json", ".")
    .option("--out <dir>", "where the app synthesizes, relative to the project", "cdktf.out")
    .option("--engine <engine>", "tofu or terraform (default: TEMPGRANT_ENGINE or tofu)")
    .option("--lock-timeout <duration>", "how long to wait for a held state lock", DEFAULT_LOCK_TIMEOUT);
}

/** One synthesized stack, ready to drive. */
export interface SynthesizedStack {
  readonly name: string;
  readonly workspace: Workspace;
}

/** Runs the app at the run's clock and returns the selected stacks with their workspaces. */
export async function synthesizeStacks(
  options: StackRunOptions,
  now: string,
  extra: { revocationMargin: string; invalidGrants?: "fail" | "skip" },
): Promise<SynthesizedStack[]> {
  const [{ synthApp }, { resolveEngine }] = await Promise.all([
    import("../check/synth-app.js"),
    import("../runner/engine.js"),
  ]);
  const stacks = await synthApp({ projectDir: options.chdir, outdir: options.out, now, ...extra }).catch(
    (error: unknown) => {
      throw wrapStep("synth", error);
    },
  );
  const names = options.stack.length > 0 ? options.stack : Object.keys(stacks);
  const engine = resolveEngine(options.engine ? { kind: options.engine } : {});
  return names.map((name) => {
    const workingDir = stacks[name];
    if (!workingDir) {
      throw new TempgrantError(
        "USAGE",
        `no stack "${name}" (the app synthesized: ${Object.keys(stacks).join(", ")})`,
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
