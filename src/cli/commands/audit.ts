import { Command } from "commander";

/**
 * `tempgrant audit`: what auditors run. One subcommand per file under audit/; each is added
 * to the list below.
 */
export function auditCommand(): Command {
  const audit = new Command("audit").description(
    "Read the tamper-evident ledger and state diffs: verify the chain, diff states, who had what when, reports.",
  );
  for (const subcommand of [] as Command[]) {
    audit.addCommand(subcommand);
  }
  return audit;
}
