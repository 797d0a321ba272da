import { Command } from "commander";

/** Every command, loaded only when wanted: `tempgrant check` need not load the sweep's modules. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  apply: async () => (await import("./commands/apply.js")).applyCommand(),
  approve: async () => (await import("./commands/approve.js")).approveCommand(),
  audit: async () => (await import("./commands/audit.js")).auditCommand(),
  check: async () => (await import("./commands/check.js")).checkCommand(),
  grants: async () => (await import("./commands/grants.js")).grantsCommand(),
  init: async () => (await import("./commands/init.js")).initCommand(),
  plan: async () => (await import("./commands/plan.js")).planCommand(),
  policy: async () => (await import("./commands/policy.js")).policyCommand(),
  request: async () => (await import("./commands/request.js")).requestCommand(),
  sweep: async () => (await import("./commands/sweep.js")).sweepCommand(),
  toolchain: async () => (await import("./commands/toolchain.js")).toolchainCommand(),
};

/** The command an argument vector names first, when it is one of ours. */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const name = argv[2];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}

/**
 * The tempgrant command line: one command per file under commands/. With `only`, just that
 * command is registered (its own --help is whole); without, all of them, for the program's
 * --help and for commander's suggestions on a mistyped name.
 */
export async function buildProgram(version: string, only?: string): Promise<Command> {
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
        "3 internal error (the policy bundle did not load), 4 sweep: revoked, other changes pending,",
        "5 sweep: degraded (revoked from the state alone).",
        "",
        "Examples:",
        "  $ tempgrant check plan.json                    # policy check of a plan (tofu show -json)",
        "  $ tempgrant grants --at 2026-11-26T09:00:00Z   # declared grants and their status then",
        "  $ tempgrant request --target orders-db --access read --for 4h --reason '...'  # write a grant file",
        "  $ tempgrant policy build my-rules/ --out policy.wasm",
        "  $ tempgrant sweep --stack prod                  # revoke every expired grant, verify, record",
        "  $ tempgrant toolchain                          # find or build tofu, opa and the provider mirror",
        "  $ tempgrant toolchain --help",
      ].join("\n"),
    );
  const names = only === undefined ? Object.keys(COMMANDS) : [only];
  for (const command of await Promise.all(names.map((name) => COMMANDS[name]!()))) {
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
