import { writeFileSync } from "node:fs";
import { withLedgerOptions, ledgerPathFor, runClock, type LedgerOptions } from "./ledger-options.js";
import { Command } from "commander";
import { TempgrantError } from "../../../errors.js";
import { FORMAT_EXTENSIONS, type AuditReportFormat } from "../../../report/format-names.js";
import { formatOption } from "../../format-option.js";

interface ReportOptions extends LedgerOptions {
  from?: string;
  to?: string;
  format: AuditReportFormat;
  out?: string;
  lateAfter: string;
}

/** `tempgrant audit report`: the period's access windows, summary figures and a timeline. */
export function auditReportCommand(): Command {
  return withLedgerOptions(new Command("report"), { now: true })
    .description(
      "Report the access of a period from the ledger: a timeline per principal and target, break-glass grants " +
        "and late revocations highlighted, and the figures (grants, median and max duration, revocation lag).",
    )
    .option("--from <time>", "start of the period (RFC 3339; default: the first window)")
    .option(
      "--to <time>",
      "end of the period (RFC 3339, exclusive; default: the run's clock, TEMPGRANT_NOW or now)",
    )
    .addOption(formatOption("auditReport", "html"))
    .option(
      "--out <file>",
      "write the report here (default: on a terminal, tempgrant-report-<to>.<format> in this folder, " +
        "whose path is printed; piped or redirected, standard output)",
    )
    .option("--late-after <duration>", "a revocation this long after expiry, or longer, is late", "15m")
    .addHelpText(
      "after",
      [
        "",
        "The HTML report is one file with no script and no external resource: it opens offline.",
        "Late revocations count grants revoked at least --late-after past their expiry; grants still in",
        "place that long after it are counted apart (past expiry, not revoked).",
        "",
        "Exit codes: 0 written; 2 bad input (no ledger, a broken line, a bad time or duration).",
        "Run `tempgrant audit verify` first: the report trusts the ledger it reads.",
        "",
        "Examples:",
        "  $ tempgrant audit report --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --out november.html",
        "  $ tempgrant audit report --format csv --out windows.csv",
        "  $ tempgrant audit report --format markdown --late-after 20m",
      ].join("\n"),
    )
    .action(async (options: ReportOptions) => {
      const [
        { ledgerWindows },
        period,
        { AUDIT_REPORT_FORMATS },
        { timeOption, durationOption, outputFileOption },
      ] = await Promise.all([
        import("../../../audit/ledger-windows.js"),
        import("../../../audit/report/audit-period.js"),
        import("../../../audit/report/audit-report-formats.js"),
        import("../../options.js"),
      ]);
      // Every option is checked before the ledger is read.
      const lateAfterSeconds = durationOption("--late-after", options.lateAfter);
      const clock = await runClock(options);
      const to = options.to === undefined ? clock.now : timeOption("--to", options.to);
      const fromOption = options.from === undefined ? undefined : timeOption("--from", options.from);
      if (options.out !== undefined) outputFileOption("--out", options.out);
      const { windows } = await ledgerWindows(await ledgerPathFor(options));
      const from = fromOption ?? Math.min(to - 1, ...windows.map((window) => window.from));
      if (to <= from) throw new TempgrantError("USAGE", "--to must be after --from");
      const report = period.auditReport(windows, { from, to, lateAfterSeconds, now: clock.now });
      const render = await AUDIT_REPORT_FORMATS[options.format]();
      const text = render(report);
      // A terminal gets the path of a file, not a page of HTML; a pipe or a file gets the report.
      const out = options.out ?? (process.stdout.isTTY ? defaultReportPath(to, options.format) : undefined);
      if (out === undefined) {
        process.stdout.write(text);
        return;
      }
      writeFileSync(out, text);
      process.stderr.write(
        `[audit] ${report.summary.grants} grant(s), ${report.summary.breakGlass} break-glass, ` +
          `${report.summary.lateRevocations} late revocation(s), ${report.summary.overdue} past expiry not revoked\n`,
      );
      process.stdout.write(`wrote ${out}\n`);
    });
}

/** `tempgrant-report-20261202T0800Z.html`: the period's end, so reports of other periods never collide. */
function defaultReportPath(to: number, format: AuditReportFormat): string {
  const stamp = new Date(to * 1000)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `tempgrant-report-${stamp}.${FORMAT_EXTENSIONS[format]}`;
}
