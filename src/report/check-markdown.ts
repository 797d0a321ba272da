import { formatTimestamp } from "../grant/time.js";
import type { CheckReport } from "../check/check-plan.js";

/** A pull-request comment: verdict counts, then a table of denials and warnings. */
export function checkMarkdown(report: CheckReport): string {
  const { deny, warn } = report.verdicts;
  const status = deny.length > 0 ? "❌ **tempgrant check failed**" : "✅ **tempgrant check passed**";
  const lines = [
    `${status}: ${report.grants} grant(s), ${report.resources} resource change(s), checked at ${formatTimestamp(report.now)}.`,
    "",
    `${deny.length} denied, ${warn.length} warning(s).`,
  ];
  const verdicts = [...deny, ...warn];
  if (verdicts.length > 0) {
    lines.push("", "| level | rule | grant | resource | message |", "| --- | --- | --- | --- | --- |");
    for (const v of verdicts) {
      lines.push(
        `| ${v.level} | \`${v.rule}\` | ${cell(v.grant ?? "")} | ${v.address ? `\`${cell(v.address)}\`` : ""} | ${cell(v.message)} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Keeps a table cell on one line and its pipes literal. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
