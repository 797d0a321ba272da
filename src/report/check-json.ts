import { formatTimestamp } from "../grant/time.js";
import type { CheckReport } from "../check/check-plan.js";

/** Machine-readable: every verdict with its level, plus the counts. */
export function checkJson(report: CheckReport): string {
  return `${JSON.stringify(
    {
      source: report.source,
      now: formatTimestamp(report.now),
      passed: report.verdicts.deny.length === 0,
      grants: report.grants,
      resources: report.resources,
      deny: report.verdicts.deny,
      warn: report.verdicts.warn,
    },
    null,
    2,
  )}\n`;
}
