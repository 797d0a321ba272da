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
  audit.addHelpText(
    "after",
    [
      "",
      "Examples:",
      "  $ tempgrant audit verify --expect-head <hash recorded last time>",
      "  $ tempgrant audit who --target orders-db --at 2026-11-25T03:00:00Z",
      "  $ tempgrant audit diff before.tfstate after.tfstate --format markdown",
      "  $ tempgrant audit report --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --out november.html",
      "  $ tempgrant audit export --out evidence.tar.gz --state prod.tfstate",
    ].join("\n"),
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
