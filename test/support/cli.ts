import { fileURLToPath } from "node:url";
import { runCommand, type CommandResult } from "../../src/exec/run-command.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Runs the real `tempgrant` CLI (from source, through tsx) as a separate process. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CommandResult> {
  return runCommand({
    ...(cwd === undefined ? {} : { cwd }),
    program: process.execPath,
    // tsx resolved here, so the CLI runs from any folder.
    args: ["--import", import.meta.resolve("tsx"), MAIN, ...args],
    env: { ...process.env, NO_COLOR: "1", TEMPGRANT_NOW: "", ...env },
    timeoutMs: 120_000,
  });
}
