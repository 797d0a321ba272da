import { Command } from "commander";
import type { CheckFormat } from "../../report/format-names.js";
import { useColour } from "../colour.js";
import { statusAction } from "../exit-codes.js";
import { formatOption } from "../format-option.js";
import { withEvidenceOptions, withStackOptions, type StackRunOptions } from "../stack-options.js";

interface ApplyOptions extends StackRunOptions {
  bundle?: string;
  format: CheckFormat;
  reviews?: string;
  signatures?: string;
  ledger?: string;
}

/** `tempgrant apply`: the merge-time path: synth, plan, full policy check, apply only if every plan passes. */
export function applyCommand(): Command {
  return withEvidenceOptions(
    withStackOptions(
      new Command("apply").description(
        "Synthesize at one clock, plan and check every stack, and apply the checked plans only if all of them pass.",
      ),
      "synthesize and check as of this instant (default: TEMPGRANT_NOW or the clock)",
    ),
  )
    .option(
      "--bundle <file>",
      "compiled policy bundle (default: the shipped pack plus your Rego in policies/, built and cached; " +
        "the shipped bundle when policies/ holds none)",
    )
    .addOption(formatOption("check", "text", "output format of the checks"))
    .option(
      "--ledger <file>",
      "append one event per applied stack to this hash-chained ledger (default: TEMPGRANT_LEDGER, " +
        "tempgrant.yaml's ledger:, else <project>/.tempgrant/ledger.jsonl)",
    )
    .addHelpText(
      "after",
      [
        "",
        "What is applied is exactly the saved plan that was checked; nothing is applied when any check denies.",
        "Each applied stack appends an apply event (the grant records created, updated or deleted, each",
        "with its digest and the approval evidence that verified over it) to the ledger; a failed apply",
        "appends a failure event. See `tempgrant audit verify --approvals`.",
        "",
        "Exit codes: 0 applied, 1 denied (nothing applied) or a failed plan, apply or ledger append,",
        "2 bad input (a --ledger that is not a ledger included; nothing applied), 3 internal.",
        "",
        "Examples:",
        "  $ tempgrant apply --stack prod",
        "  $ tempgrant apply --format github",
        "  $ tempgrant apply --ledger /srv/audit/ledger.jsonl",
      ].join("\n"),
    )
    .action(
      statusAction(async (options: ApplyOptions) => {
        const [{ runApply }, { renderReports }, { loadCheckConfig }] = await Promise.all([
          import("../../apply/run-apply.js"),
          import("../../report/check-formats.js"),
          import("../options.js"),
        ]);
        const result = await runApply({
          ...options,
          config: await loadCheckConfig(options.config, options.chdir),
          progress: (line) => process.stderr.write(`${line}\n`),
          onChecked: (reports) =>
            process.stdout.write(renderReports(options.format, reports, { colour: useColour() })),
        });
        return result.status;
      }),
    );
}
