import { summarizeDiff, type AuditDiff } from "../audit/diff/audit-diff.js";
import {
  describedRecord,
  fieldChangeText,
  kindsText,
  sideLabel,
  unmanagedText,
  windowText,
} from "./audit-diff-describe.js";

/** For a pull-request comment or an audit file: the counts, a table of grants, a table of flagged changes. */
export function auditDiffMarkdown(diff: AuditDiff): string {
  const summary = summarizeDiff(diff);
  const lines = [
    "### tempgrant audit diff",
    "",
    `${sideLabel(diff.before, code)} → ${sideLabel(diff.after, code)}`,
    "",
    `**Grants:** ${summary.added} added, ${summary.removed} removed, ${summary.extended} extended, ` +
      `${summary.narrowed} narrowed, ${summary.widened} widened, ${summary.metadata} with other metadata changes, ` +
      `${summary.unchanged} unchanged.`,
    "",
    summary.unmanaged > 0
      ? `⚠️ **${summary.unmanaged} unmanaged privileged change(s)**: privileged resources changed with no grant record owning them.`
      : "No unmanaged privileged changes.",
  ];
  if (diff.grants.length > 0) {
    lines.push(
      "",
      "| change | grant | principal | target | access | window | requested by | approved by | ticket | break-glass | what changed |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const grant of diff.grants) {
      const record = describedRecord(grant);
      lines.push(
        `| ${[
          kindsText(grant),
          code(grant.id),
          cell(record.principal),
          cell(record.target),
          cell(record.access),
          cell(windowText(record)),
          cell(record.requestedBy),
          cell(record.approvedBy.join(", ")),
          cell(record.ticket ?? ""),
          record.breakGlass ? "**yes**" : "no",
          grant.fields.map((change) => cell(fieldChangeText(change, "→"))).join("<br>"),
        ].join(" | ")} |`,
      );
    }
  }
  if (diff.unmanaged.length > 0) {
    lines.push(
      "",
      "#### ⚠️ Unmanaged privileged changes",
      "",
      "| change | resource | type | why flagged |",
      "| --- | --- | --- | --- |",
    );
    for (const change of diff.unmanaged) {
      lines.push(
        `| ${change.action} | ${code(change.address)} | ${code(change.type)} | ${cell(unmanagedText(change))} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Keeps a table cell on one line and its pipes literal. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const clean = cell(text);
  return clean.includes("`") ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}
