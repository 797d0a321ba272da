import { Command } from "commander";
import type { CheckFormat } from "../../report/format-names.js";
import { formatOption } from "../format-option.js";
import { useColour } from "../colour.js";
import { statusAction } from "../exit-codes.js";
import { checkStatus } from "../../run-status.js";
import { withEvidenceOptions, withStackOptions, type StackRunOptions } from "../stack-options.js";

interface PlanOptions extends StackRunOptions {
  bundle?: string;
  format: CheckFormat;
  reviews?: string;
  signatures?: string;
}

/** `tempgrant plan`: the PR path: synth at the clock, plan, show -json, check, per stack. */
export function planCommand(): Command {
  return withEvidenceOptions(
    withStackOptions(
      new Command("plan").description(
        "Synthesize the app at one clock, plan every stack with tofu/terraform, and check each plan.",
      ),
      "synthesize and check as of this instant (default: TEMPGRANT_NOW or the clock)",
    ),
  )
    .option(
      "--bundle <file>",
      "compiled policy bundle (default: the shipped pack plus your Rego in policies/, built and cached; " +
        "the shipped bundle when policies/ holds none)",
    )
    .addOption(formatOption("check", "text"))
    .addHelpText(
      "after",
      [
        "",
        "Each stack's saved plan is left at <out>/stacks/<stack>/tempgrant.tfplan.",
        "Approvals count only with evidence over each grant's digest: the signatures under <project>/approvals",
        "(tempgrant.yaml's approvals.signatures), verified with approvals.allowedSigners, and --reviews.",
        "",
        "Exit codes: 0 every plan passes, 1 policy denials or a failed synth/plan, 2 bad input, 3 internal.",
        "",
        "Examples:",
        "  $ tempgrant plan",
        "  $ tempgrant plan --stack prod --format sarif > tempgrant.sarif",
        "  $ tempgrant plan --now 2027-01-11T09:00:00Z --format markdown > comment.md",
      ].join("\n"),
    )
    .action(
      statusAction(async (options: PlanOptions) => {
        const [{ planAndCheckStacks }, { renderReports }, { loadCheckConfig }] = await Promise.all([
          import("../../apply/plan-and-check.js"),
          import("../../report/check-formats.js"),
          import("../options.js"),
        ]);
        const { reports } = await planAndCheckStacks({
          ...options,
          config: await loadCheckConfig(options.config, options.chdir),
          progress: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(
          renderReports(
            options.format,
            reports.map(({ report }) => report),
            { colour: useColour() },
          ),
        );
        return checkStatus(reports.map(({ report }) => report));
      }),
    );
}
