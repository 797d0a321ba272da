import { Command, Option } from "commander";
import { wrapStep } from "../../errors.js";
import { CHECK_FORMAT_NAMES, type CheckFormat } from "../../report/format-names.js";
import { useColour } from "../colour.js";
import { EXIT } from "../exit-codes.js";
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
    .addOption(
      new Option("--format <format>", "output format of the checks")
        .choices(CHECK_FORMAT_NAMES)
        .default("text"),
    )
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
    .action(async (options: ApplyOptions) => {
      const [
        { planAndCheckStacks },
        { renderReports },
        { apply, stateIdentity },
        ledger,
        { formatTimestamp },
        { sha256File },
      ] = await Promise.all([
        import("../plan-and-check.js"),
        import("../../report/check-formats.js"),
        import("../../runner/index.js"),
        import("../../audit/ledger/index.js"),
        import("../../grant/time.js"),
        import("../../exec/sha256-file.js"),
      ]);
      const { reports, config, now, evidence } = await planAndCheckStacks(options);
      process.stdout.write(
        renderReports(
          options.format,
          reports.map(({ report }) => report),
          { colour: useColour() },
        ),
      );
      if (reports.some(({ report }) => report.verdicts.deny.length > 0)) {
        process.stderr.write("[apply] policy denials: nothing applied\n");
        process.exitCode = EXIT.FAILURE;
        return;
      }
      const ledgerPath = ledger.resolveLedgerPath({
        option: options.ledger,
        config,
        projectDir: options.chdir,
      });
      // A ledger we could not append to must stop us before anything is applied, not after.
      await ledger.readLedgerHead(ledgerPath).catch((error: unknown) => {
        throw wrapStep("ledger", error);
      });
      const record = async (event: Parameters<typeof ledger.appendLedgerEvent>[1]) => {
        await ledger.appendLedgerEvent(ledgerPath, event).catch((error: unknown) => {
          throw wrapStep("ledger", error);
        });
      };
      for (const { stack, planFile, input, report } of reports) {
        process.stderr.write(`[apply] ${stack.name}: applying the checked plan\n`);
        const applied = await (async () => {
          const before = await stateIdentity(stack.workspace);
          await apply(stack.workspace, planFile);
          return { before, after: await stateIdentity(stack.workspace) };
        })().catch(async (error: unknown) => {
          await record({
            type: "failure",
            step: "apply",
            now: formatTimestamp(now),
            stack: stack.name,
            error: error instanceof Error ? error.message : String(error),
            grants: ledger.appliedGrants(input, evidence),
          }).catch((ledgerError: unknown) => {
            // The apply's own error is the one to exit with; still say the record is missing.
            process.stderr.write(`[apply] ${(ledgerError as Error).message}\n`);
          });
          throw error;
        });
        await record({
          type: "apply",
          now: formatTimestamp(now),
          stack: stack.name,
          planSha256: sha256File(planFile),
          stateSerialBefore: applied.before.serial,
          stateSerialAfter: applied.after.serial,
          grants: ledger.appliedGrants(input, evidence),
          warnings: report.verdicts.warn,
        });
      }
    });
}
