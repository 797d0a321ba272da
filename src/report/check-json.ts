import { formatTimestamp } from "../grant/time.js";
import type { CheckReport } from "../check/check-plan.js";

/** Machine-readable: every verdict with its level, plus the counts. */
export function checkJson(report: CheckReport): string {
  return `${JSON.stringify(jsonReport(report), null, 2)}\n`;
}

/**
 * Several reports (one per stack) as one document: the same top-level fields, summed, with
 * every verdict carrying its stack's source, and each report whole under `stacks`.
 */
export function checkJsonAll(reports: readonly CheckReport[]): string {
  const [first] = reports;
  if (reports.length === 1 && first) return checkJson(first);
  const tagged = (level: "deny" | "warn") =>
    reports.flatMap((report) =>
      report.verdicts[level].map((verdict) => ({ ...verdict, source: report.source })),
    );
  return `${JSON.stringify(
    {
      source: reports.map((report) => report.source).join(", "),
      now: first ? formatTimestamp(first.now) : null,
      passed: reports.every((report) => report.verdicts.deny.length === 0),
      grants: reports.reduce((sum, report) => sum + report.grants, 0),
      resources: reports.reduce((sum, report) => sum + report.resources, 0),
      deny: tagged("deny"),
      warn: tagged("warn"),
      stacks: reports.map(jsonReport),
    },
    null,
    2,
  )}\n`;
}

function jsonReport(report: CheckReport) {
  return {
    source: report.source,
    now: formatTimestamp(report.now),
    passed: report.verdicts.deny.length === 0,
    grants: report.grants,
    resources: report.resources,
    deny: report.verdicts.deny,
    warn: report.verdicts.warn,
  };
}
