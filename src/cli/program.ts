import { Command } from "commander";
import { applyCommand } from "./commands/apply.js";
import { auditCommand } from "./commands/audit.js";
import { checkCommand } from "./commands/check.js";
import { grantsCommand } from "./commands/grants.js";
import { initCommand } from "./commands/init.js";
import { planCommand } from "./commands/plan.js";
import { policyCommand } from "./commands/policy.js";
import { sweepCommand } from "./commands/sweep.js";
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
        "Exit codes: 0 done (check: passed), 1 the work failed (check: denials), 2 bad command line or input,",
        "3 internal error (the policy bundle did not load), 4 sweep: revoked, other changes pending.",
        "",
        "Examples:",
        "  $ tempgrant check plan.json                    # policy check of a plan (tofu show -json)",
        "  $ tempgrant grants --at 2026-11-26T09:00:00Z   # declared grants and their status then",
        "  $ tempgrant policy build my-rules/ --out policy.wasm",
        "  $ tempgrant sweep --stack prod                  # revoke every expired grant, verify, record",
        "  $ tempgrant toolchain                          # find or build tofu, opa and the provider mirror",
        "  $ tempgrant toolchain --help",
      ].join("\n"),
    );
  for (const command of [
    applyCommand(),
    auditCommand(),
    checkCommand(),
    grantsCommand(),
    initCommand(),
    planCommand(),
    policyCommand(),
    sweepCommand(),
    toolchainCommand(),
  ]) {
    program.addCommand(inheritSettings(command, program));
  }
  return program;
}

/**
 * Subcommands made with `new Command` do not inherit settings: exit codes and the usage hint
 * must be the same everywhere, nested subcommands (`audit verify`) included.
 */
function inheritSettings(command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent);
  for (const subcommand of command.commands) inheritSettings(subcommand, command);
  return command;
}
