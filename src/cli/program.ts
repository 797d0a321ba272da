import { Command } from "commander";
import { grantsCommand } from "./commands/grants.js";
import { toolchainCommand } from "./commands/toolchain.js";

/** The tempgrant command line: one command per file under commands/. */
export function buildProgram(version: string): Command {
  const program = new Command("tempgrant")
    .version(version)
    .description(
      "Temporary production access as code: time-boxed grants, checked plans, verified revocation.",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 done, 1 the work failed, 2 bad command line or input.",
        "",
        "Examples:",
        "  $ tempgrant grants --at 2026-11-26T09:00:00Z   # declared grants and their status then",
        "  $ tempgrant toolchain                          # find or build tofu, opa and the provider mirror",
        "  $ tempgrant toolchain --help",
      ].join("\n"),
    );
  for (const command of [grantsCommand(), toolchainCommand()]) {
    // Subcommands made with `new Command` do not inherit settings: exit codes and the
    // usage hint must be the same everywhere.
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}
