import { createColors } from "picocolors";
import { summarizeDiff, type AuditDiff, type DiffSummary, type GrantDiff } from "../audit/diff/audit-diff.js";
import type { RecordedGrant } from "../audit/diff/grant-records.js";
import {
  describedRecord,
  fieldChangeText,
  kindsText,
  sideLabel,
  unmanagedText,
  windowText,
} from "./audit-diff-describe.js";

/**
 * Plain text for a terminal or a log: the two sides, the counts, one block per grant
 * (`+` added, `-` removed, `~` changed) with its metadata, then the flagged unmanaged
 * changes. Coloured only when asked.
 */
export function auditDiffText(diff: AuditDiff, options: { colour?: boolean } = {}): string {
  const pc = createColors(options.colour ?? false);
  const summary = summarizeDiff(diff);
  const lines = [
    `audit diff: ${sideLabel(diff.before)} -> ${sideLabel(diff.after)}`,
    `grants: ${countsText(summary)}`,
    `unmanaged privileged changes: ${summary.unmanaged}`,
  ];
  for (const grant of diff.grants) {
    const record = describedRecord(grant);
    const sign =
      grant.kinds[0] === "added"
        ? pc.green("+")
        : grant.kinds[0] === "removed"
          ? pc.red("-")
          : pc.yellow("~");
    lines.push("", `${sign} ${pc.bold(grant.id)}: ${kindsText(grant)}`);
    for (const change of grant.fields) lines.push(`    ${fieldChangeText(change)}`);
    lines.push(...metadataLines(record, grant));
  }
  if (diff.unmanaged.length > 0) {
    lines.push("", pc.red("UNMANAGED privileged changes (no grant record owns them):"));
    for (const change of diff.unmanaged) {
      lines.push(`${pc.red("!")} ${change.address} (${change.type}): ${unmanagedText(change)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function countsText(summary: DiffSummary): string {
  return [
    `${summary.added} added`,
    `${summary.removed} removed`,
    `${summary.extended} extended`,
    `${summary.narrowed} narrowed`,
    `${summary.widened} widened`,
    `${summary.metadata} with other metadata changes`,
    `${summary.unchanged} unchanged`,
  ].join(", ");
}

function metadataLines(record: RecordedGrant, grant: GrantDiff): string[] {
  const prefix = grant.kinds[0] === "removed" ? "was: " : "";
  return [
    `    ${prefix}${record.principal} on ${record.target} (${record.access}), ${windowText(record)}`,
    `    requested by ${record.requestedBy}, approved by ${record.approvedBy.join(", ") || "(nobody)"}, ` +
      `ticket ${record.ticket ?? "(none)"}, break-glass ${record.breakGlass ? "YES" : "no"}`,
    `    reason: ${record.reason}`,
    `    record ${record.address}; owns ${record.resources.join(", ") || "(nothing)"}`,
  ];
}
