import { Command } from "commander";
import { toolchainCommand } from "./commands/toolchain.js";

/** The tempgrant command line: one command per file under commands/. */
export function buildProgram(version: string): Command {
  const program = new Command("tempgrant")
    .version(version)
    .description(
      "Temporary production access as code: time-boxed grants, checked plans, verified revocation.",
    )
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 done, 1 the work failed, 2 bad command line or input.",
        "",
        "Examples:",
        "  $ tempgrant toolchain          # find or build tofu, opa and the provider mirror",
        "  $ tempgrant toolchain --help",
      ].join("\n"),
    );
  program.addCommand(toolchainCommand());
  return program;
}
