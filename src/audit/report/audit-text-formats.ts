import { formatTimestamp } from "../../grant/time.js";
import { writeCsv, type CsvCell } from "../../report/csv.js";
import type { AccessWindow } from "../access-windows.js";
import { verifiedApprovers } from "./approval-text.js";
import { humanDuration, isLate, isOverdue, type AuditReport } from "./audit-period.js";

/**
 * The columns of every row-shaped format (csv, markdown), in order. Text comes from grants;
 * numbers and booleans are tempgrant's own (a negative lag stays a number in the CSV).
 */
const COLUMNS: readonly [string, (window: AccessWindow, report: AuditReport) => CsvCell][] = [
  ["grant", (w) => w.id],
  ["stack", (w) => w.stack],
  ["principal", (w) => w.principal],
  ["target", (w) => w.target],
  ["access", (w) => w.access],
  ["requested_by", (w) => w.requestedBy],
  ["approved_by", (w) => w.approvedBy.join(" ")],
  // Who verifiably approved the content in force (apply's record), and that content's digest.
  ["verified_approvers", (w) => verifiedApprovers(w).join("; ")],
  ["digest", (w) => w.digest ?? ""],
  ["ticket", (w) => w.ticket ?? ""],
  ["reason", (w) => w.reason],
  ["break_glass", (w) => w.breakGlass],
  ["from", (w) => formatTimestamp(w.from)],
  ["expires_at", (w) => formatTimestamp(w.expiresAt)],
  ["extensions", (w) => w.extensions],
  ["ended_at", (w) => (w.endedAt === null ? "" : formatTimestamp(w.endedAt))],
  ["ending", (w) => w.ending],
  ["revocation_lag_seconds", (w) => w.revocationLagSeconds ?? ""],
  ["late", (w, r) => isLate(w, r.period)],
  ["overdue", (w, r) => isOverdue(w, r.period)],
];

/** One row per access window, with a header, through the one CSV writer (formula text neutralized). */
export function auditCsv(report: AuditReport): string {
  return writeCsv(
    COLUMNS.map(([name]) => name),
    report.windows.map((window) => COLUMNS.map(([, value]) => value(window, report))),
  );
}

/** The summary figures, then a table of the windows. */
export function auditMarkdown(report: AuditReport): string {
  const { period, summary } = report;
  const cell = (value: CsvCell) => String(value).replaceAll("|", "\\|").replaceAll("\n", " ");
  const lines = [
    `# tempgrant access report`,
    "",
    `${formatTimestamp(period.from)} to ${formatTimestamp(period.to)}; late means ${humanDuration(period.lateAfterSeconds)} or more after expiry.`,
    "",
    "| figure | value |",
    "| --- | --- |",
    `| grants | ${summary.grants} |`,
    `| principals | ${summary.principals} |`,
    `| break-glass | ${summary.breakGlass} |`,
    `| late revocations | ${summary.lateRevocations} |`,
    `| past expiry, not revoked | ${summary.overdue} |`,
    `| unverified revocations | ${summary.unverified} |`,
    `| still open | ${summary.open} |`,
    `| removed early | ${summary.removedEarly} |`,
    `| median / max duration | ${humanDuration(summary.medianDurationSeconds)} / ${humanDuration(summary.maxDurationSeconds)} |`,
    `| median / max revocation lag | ${humanDuration(summary.medianRevocationLagSeconds)} / ${humanDuration(summary.maxRevocationLagSeconds)} |`,
    "",
  ];
  if (report.windows.length === 0) return `${[...lines, "No access in this period."].join("\n")}\n`;
  lines.push(
    `| ${COLUMNS.map(([name]) => name.replaceAll("_", " ")).join(" | ")} |`,
    `| ${COLUMNS.map(() => "---").join(" | ")} |`,
    ...report.windows.map(
      (window) => `| ${COLUMNS.map(([, value]) => cell(value(window, report))).join(" | ")} |`,
    ),
  );
  return `${lines.join("\n")}\n`;
}

/** Everything, timestamps in RFC 3339, for tools. */
export function auditJson(report: AuditReport): string {
  const at = (seconds: number | null) => (seconds === null ? null : formatTimestamp(seconds));
  return `${JSON.stringify(
    {
      from: at(report.period.from),
      to: at(report.period.to),
      lateAfterSeconds: report.period.lateAfterSeconds,
      summary: report.summary,
      windows: report.windows.map((window) => ({
        ...window,
        from: at(window.from),
        expiresAt: at(window.expiresAt),
        endedAt: at(window.endedAt),
        late: isLate(window, report.period),
        overdue: isOverdue(window, report.period),
      })),
    },
    null,
    2,
  )}\n`;
}
