import { createColors } from "picocolors";
import { formatTimestamp } from "../grant/time.js";
import type { CheckReport } from "../check/check-plan.js";
import type { Verdict } from "../policy/verdict.js";

/** Plain text, grouped by grant (resources without a grant last); coloured only when asked. */
export function checkText(report: CheckReport, options: { colour?: boolean } = {}): string {
  const pc = createColors(options.colour ?? false);
  const all = [...report.verdicts.deny, ...report.verdicts.warn];
  const groups = new Map<string, Verdict[]>();
  for (const verdict of all) {
    const key = verdict.grant ?? "";
    groups.set(key, [...(groups.get(key) ?? []), verdict]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
  const lines: string[] = [];
  for (const key of keys) {
    lines.push(pc.bold(key ? `grant ${key}` : "not part of any grant"));
    for (const verdict of groups.get(key) ?? []) {
      const label = verdict.level === "deny" ? pc.red("DENY") : pc.yellow("WARN");
      lines.push(`  ${label} ${verdict.rule}${verdict.address ? ` (${verdict.address})` : ""}`);
      lines.push(`       ${verdict.message}`);
    }
  }
  const { deny, warn } = report.verdicts;
  const summary = `${report.source}: ${report.grants} grant(s), ${report.resources} resource change(s) checked at ${formatTimestamp(report.now)}: ${deny.length} denied, ${warn.length} warning(s)`;
  lines.push(deny.length > 0 ? pc.red(`FAIL ${summary}`) : pc.green(`PASS ${summary}`));
  return `${lines.join("\n")}\n`;
}
