import { fileURLToPath } from "node:url";
import { runCommand, type CommandResult } from "../../src/exec/run-command.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
// Resolved here: a run in another folder (cwd) cannot find `tsx` by name.
const TSX = import.meta.resolve("tsx");

/** The program and arguments that run the real `tempgrant` CLI from source, through tsx. */
export function sourceCli(args: readonly string[]): { program: string; args: string[] } {
  return { program: process.execPath, args: ["--import", TSX, MAIN, ...args] };
}

/** Runs the real `tempgrant` CLI (from source, through tsx) as a separate process, in `cwd` when given. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CommandResult> {
  return runCommand({
    ...sourceCli(args),
    ...(cwd !== undefined ? { cwd } : {}),
    env: { ...process.env, NO_COLOR: "1", TEMPGRANT_NOW: "", ...env },
    timeoutMs: 120_000,
  });
}
