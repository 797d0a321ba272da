import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { TempgrantError } from "../errors.js";
import type { StackSelection } from "../apply/synthesize-stacks.js";
import { DEFAULT_LOCK_TIMEOUT } from "../runner/workspace.js";

/** The options every command that runs the cdktf app and its stacks shares. */
export interface StackRunOptions extends StackSelection {
  config?: string;
}

/**
 * Adds the shared options (clock, config, stacks, project, engine, lock timeout) to a command,
 * and a check of all of them before the action runs: a bad value is exit 2 naming its flag
 * before anything is synthesized, planned or recorded. Then the run takes the project's run
 * lock (see project-lock.ts), so that a plan, an apply and a sweep in one checkout never
 * share cdktf.out at the same time; it is released when the process exits.
 */
/**
 * Adds where `plan` and `apply` read approval evidence: `--reviews` and `--signatures`. With
 * `--config` naming a trusted copy of tempgrant.yaml (the base branch's, in a pull request's
 * check), the allowed signers come from that copy while the signatures stay the project's.
 */
export function withEvidenceOptions(command: Command): Command {
  return command
    .option(
      "--reviews <file>",
      "the pull request and its reviews as approval evidence (see docs/approvals.md)",
    )
    .option(
      "--signatures <dir>",
      "folder of signed approvals, <grant-id>/<person>.sig (default: tempgrant.yaml's approvals.signatures, " +
        "else <project>/approvals)",
    );
}

export function withStackOptions(command: Command, nowHelp: string): Command {
  return command
    .hook("preAction", async (_command, action) => {
      // Paths on the command line are relative to where the user stands, --chdir or not; the
      // default output folder is the project's.
      if (action.getOptionValueSource("out") === "cli") {
        action.setOptionValue("out", resolve(action.opts<StackRunOptions>().out));
      }
      const options = action.opts<StackRunOptions>();
      const { lockTimeout } = await checkStackOptions(options);
      // A bundle the user named must be there (exit 2); a missing shipped one is a broken install (exit 3).
      if (action.getOptionValueSource("bundle") === "cli") {
        const { inputFileOption } = await import("./options.js");
        inputFileOption("--bundle", action.opts<{ bundle: string }>().bundle);
      }
      const { lockProject } = await import("./project-lock.js");
      await lockProject(options.chdir, action.name(), lockTimeout);
    })
    .option("--now <time>", nowHelp)
    .option(
      "--config <file>",
      "tempgrant.yaml with the policy limits (default: tempgrant.yaml in --chdir when present)",
    )
    .option(
      "--stack <name>",
      "only this stack (repeatable)",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option("--chdir <dir>", "the project folder holding cdktf.json", ".")
    .option("--out <dir>", "where the app synthesizes (default: cdktf.out in the project)", "cdktf.out")
    .option("--engine <engine>", "tofu or terraform (default: TEMPGRANT_ENGINE or tofu)")
    .option("--lock-timeout <duration>", "how long to wait for a held state lock", DEFAULT_LOCK_TIMEOUT);
}

/** Checks every shared option, or throws USAGE naming the flag; returns the lock timeout in seconds. */
async function checkStackOptions(options: StackRunOptions): Promise<{ lockTimeout: number }> {
  const [{ folderOption, lockTimeoutOption, timeOption }, { resolveEngine }] = await Promise.all([
    import("./options.js"),
    import("../runner/engine.js"),
  ]);
  if (options.now !== undefined) timeOption("--now", options.now);
  folderOption("--chdir", options.chdir);
  // Before the run lock is taken: a folder that is not a project gets no .tempgrant/ of ours.
  const configPath = join(options.chdir, "cdktf.json");
  if (!existsSync(configPath)) {
    throw new TempgrantError(
      "USAGE",
      `--chdir ${options.chdir}: ${configPath}: no such file (run in a cdktf project, or pass --chdir)`,
    );
  }
  if (options.config !== undefined && !statSync(options.config, { throwIfNoEntry: false })?.isFile()) {
    throw new TempgrantError("USAGE", `--config ${options.config}: no such file`);
  }
  if (options.out.trim() === "") throw new TempgrantError("USAGE", "--out: give a folder name");
  for (const name of options.stack) {
    if (name.trim() === "") throw new TempgrantError("USAGE", "--stack: give a stack name");
  }
  resolveEngine(options.engine ? { kind: options.engine } : {});
  return { lockTimeout: lockTimeoutOption("--lock-timeout", options.lockTimeout) };
}
