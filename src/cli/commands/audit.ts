import { Command } from "commander";
import { auditDiffCommand } from "./audit/diff.js";
import { auditExportCommand } from "./audit/export.js";
import { auditReportCommand } from "./audit/report.js";
import { auditVerifyCommand } from "./audit/verify.js";
import { auditWhoCommand } from "./audit/who.js";

/**
 * `tempgrant audit`: what auditors run. One subcommand per file under audit/; each is added
 * to the list below.
 */
export function auditCommand(): Command {
  const audit = new Command("audit").description(
    "Read the tamper-evident ledger and state diffs: verify the chain, diff states, who had what when, reports.",
  );
  for (const subcommand of [
    auditDiffCommand(),
    auditVerifyCommand(),
    auditWhoCommand(),
    auditReportCommand(),
    auditExportCommand(),
  ]) {
    audit.addCommand(subcommand);
  }
  return audit;
}
