import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { shippedBundlePath } from "../../policy/bundle-location.js";
import { CHECK_FORMAT_NAMES, type CheckFormat } from "../../report/format-names.js";
import { useColour } from "../colour.js";
import { EXIT } from "../exit-codes.js";
import { withStackOptions, type StackRunOptions } from "../stack-options.js";

interface ApplyOptions extends StackRunOptions {
  bundle: string;
  format: CheckFormat;
  ledger?: string;
}

/** `tempgrant apply`: the merge-time path: synth, plan, full policy check, apply only if every plan passes. */
export function applyCommand(): Command {
  return withStackOptions(
    new Command("apply").description(
      "Synthesize at one clock, plan and check every stack, and apply the checked plans only if all of them pass.",
    ),
    "synthesize and check as of this instant (default: TEMPGRANT_NOW or the clock)",
  )
    .option("--bundle <file>", "compiled policy bundle", shippedBundlePath())
    .addOption(
      new Option("--format <format>", "output format of the checks")
        .choices(CHECK_FORMAT_NAMES)
        .default("text"),
    )
    .option(
      "--ledger <file>",
      "append one event per applied stack (default: <project>/.tempgrant/ledger.jsonl)",
    )
    .addHelpText(
      "after",
      [
        "",
        "What is applied is exactly the saved plan that was checked; nothing is applied when any check denies.",
        "",
        "Exit codes: 0 applied, 1 denied (nothing applied) or a failed plan/apply, 2 bad input, 3 internal.",
        "",
        "Examples:",
        "  $ tempgrant apply --stack prod",
        "  $ tempgrant apply --format github",
      ].join("\n"),
    )
    .action(async (options: ApplyOptions) => {
      const [
        { planAndCheckStacks },
        { CHECK_FORMATS },
        { apply, stateIdentity },
        { appendLedgerEvent },
        { formatTimestamp },
        { sha256File },
      ] = await Promise.all([
        import("../plan-and-check.js"),
        import("../../report/check-formats.js"),
        import("../../runner/index.js"),
        import("../../sweep/ledger-file.js"),
        import("../../grant/time.js"),
        import("../../exec/sha256-file.js"),
      ]);
      const { reports, now } = await planAndCheckStacks(options);
      for (const { report } of reports)
        process.stdout.write(CHECK_FORMATS[options.format](report, { colour: useColour() }));
      if (reports.some(({ report }) => report.verdicts.deny.length > 0)) {
        process.stderr.write("[apply] policy denials: nothing applied\n");
        process.exitCode = EXIT.FAILURE;
        return;
      }
      const ledger = options.ledger ?? join(resolve(options.chdir), ".tempgrant", "ledger.jsonl");
      for (const { stack, planFile, report } of reports) {
        const before = await stateIdentity(stack.workspace);
        process.stderr.write(`[apply] ${stack.name}: applying the checked plan\n`);
        await apply(stack.workspace, planFile);
        const after = await stateIdentity(stack.workspace);
        appendLedgerEvent(ledger, {
          type: "apply",
          now: formatTimestamp(now),
          stack: stack.name,
          planSha256: sha256File(planFile),
          stateSerialBefore: before.serial,
          stateSerialAfter: after.serial,
          grants: report.grants,
          warnings: report.verdicts.warn,
        });
      }
    });
}
