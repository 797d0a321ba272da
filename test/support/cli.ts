import { fileURLToPath } from "node:url";
import { runCommand, type CommandResult } from "../../src/exec/run-command.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
// Resolved here: a run in another folder (cwd) cannot find `tsx` by name.
const TSX = import.meta.resolve("tsx");

/** Runs the real `tempgrant` CLI (from source, through tsx) as a separate process, in `cwd` when given. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CommandResult> {
  return runCommand({
    program: process.execPath,
    args: ["--import", TSX, MAIN, ...args],
    ...(cwd !== undefined ? { cwd } : {}),
    env: { ...process.env, NO_COLOR: "1", TEMPGRANT_NOW: "", ...env },
    timeoutMs: 120_000,
  });
}
