import type { CheckReport } from "../check/check-plan.js";

/**
 * GitHub Actions workflow commands: `::error` / `::warning` annotations on the plan file,
 * with the rule as title. Newlines and the command's special characters are escaped.
 */
export function checkGithub(report: CheckReport): string {
  const lines = [...report.verdicts.deny, ...report.verdicts.warn].map((verdict) => {
    const command = verdict.level === "deny" ? "error" : "warning";
    const title = `${verdict.rule}${verdict.grant ? ` (grant ${verdict.grant})` : ""}`;
    const message = `${verdict.address ? `${verdict.address}: ` : ""}${verdict.message}`;
    return `::${command} file=${property(report.source)},title=${property(title)}::${data(message)}`;
  });
  const { deny, warn } = report.verdicts;
  lines.push(`tempgrant: ${deny.length} denied, ${warn.length} warning(s) in ${report.source}`);
  return `${lines.join("\n")}\n`;
}

function data(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function property(text: string): string {
  return data(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}
