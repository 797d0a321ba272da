import { runCommand, CommandFailedError, type CommandResult, type CommandSpec } from "../exec/run-command.js";
import type { Engine } from "./engine.js";
import { dropInitStamp } from "./init-stamp.js";

/** One working directory driven by one engine: the context every subcommand runs in. */
export interface Workspace {
  readonly engine: Engine;
  /** The folder holding the configuration (for cdktf, `cdktf.out/stacks/<stack>`). */
  readonly workingDir: string;
  /** How long to wait for a held state lock, for example `60s`. */
  readonly lockTimeout: string;
  /** Extra environment for the engine (provider credentials, TF_VAR_*). Never logged. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Default wait for a held state lock before giving up. */
export const DEFAULT_LOCK_TIMEOUT = "60s";

/**
 * The environment the engine runs with. tempgrant owns the TF_* variables it relies on:
 * it drops TF_CLI_ARGS* (which would inject flags the argv builders did not choose) and
 * sets the CLI configuration, automation mode and no prompts.
 */
export function engineEnvironment(
  workspace: Workspace,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries({ ...base, ...workspace.env })) {
    if (!key.startsWith("TF_CLI_ARGS")) env[key] = value;
  }
  env.TF_IN_AUTOMATION = "1";
  env.TF_INPUT = "0";
  env.CHECKPOINT_DISABLE = "1";
  if (workspace.engine.cliConfigFile) env.TF_CLI_CONFIG_FILE = workspace.engine.cliConfigFile;
  return env;
}

/** The command spec for one engine invocation in a workspace. */
export function engineCommand(workspace: Workspace, args: readonly string[]): CommandSpec {
  return {
    program: workspace.engine.binary,
    args,
    cwd: workspace.workingDir,
    env: engineEnvironment(workspace),
  };
}

/**
 * Runs the engine and returns the result; exit codes listed in `accept` are not failures. A
 * failure forgets the last init, so the next run initialises again (it may be what was missing).
 */
export async function runEngine(
  workspace: Workspace,
  args: readonly string[],
  accept: readonly number[] = [0],
  options: Pick<CommandSpec, "evenIfStopping"> = {},
): Promise<CommandResult> {
  const spec = { ...engineCommand(workspace, args), ...options };
  const result = await runCommand(spec);
  if (!accept.includes(result.exitCode)) {
    dropInitStamp(workspace);
    throw new CommandFailedError(spec, result);
  }
  return result;
}
