import type { AuditDiff } from "../audit/diff/audit-diff.js";
import { describedRecord, fieldChangeText, kindsText, unmanagedText } from "./audit-diff-describe.js";
import { writeCsv } from "./csv.js";

const COLUMNS = [
  "row",
  "change",
  "grant",
  "address",
  "type",
  "principal",
  "target",
  "access",
  "startsAt",
  "expiresAt",
  "requestedBy",
  "approvedBy",
  "ticket",
  "breakGlass",
  "reason",
  "details",
] as const;

/**
 * One row per changed grant (`row` = grant) and per flagged resource (`row` = unmanaged),
 * for a spreadsheet. Several effects of one grant are joined with `;`. Every cell goes through
 * {@link writeCsv}: grant fields come from pull requests, and an audit file must not run them.
 */
export function auditDiffCsv(diff: AuditDiff): string {
  const rows: Record<(typeof COLUMNS)[number], string>[] = [];
  for (const grant of diff.grants) {
    const record = describedRecord(grant);
    rows.push({
      row: "grant",
      change: kindsText(grant, ";"),
      grant: grant.id,
      address: record.address,
      type: "",
      principal: record.principal,
      target: record.target,
      access: record.access,
      startsAt: record.startsAt ?? "",
      expiresAt: record.expiresAt ?? "",
      requestedBy: record.requestedBy,
      approvedBy: record.approvedBy.join(" "),
      ticket: record.ticket ?? "",
      breakGlass: record.breakGlass ? "yes" : "no",
      reason: record.reason,
      details: grant.fields.map((change) => fieldChangeText(change)).join("; "),
    });
  }
  for (const change of diff.unmanaged) {
    rows.push({
      ...Object.fromEntries(COLUMNS.map((column) => [column, ""])),
      row: "unmanaged",
      change: change.action,
      grant: change.formerOwner ?? "",
      address: change.address,
      type: change.type,
      details: unmanagedText(change),
    } as Record<(typeof COLUMNS)[number], string>);
  }
  return writeCsv(
    COLUMNS,
    rows.map((row) => COLUMNS.map((column) => row[column])),
  );
}
