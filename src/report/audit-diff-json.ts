import { summarizeDiff, type AuditDiff } from "../audit/diff/audit-diff.js";

/** Machine-readable: the two sides, the counts, every grant with both records and its field changes, the flagged changes. */
export function auditDiffJson(diff: AuditDiff): string {
  return `${JSON.stringify(
    {
      before: diff.before,
      after: diff.after,
      summary: summarizeDiff(diff),
      grants: diff.grants,
      unmanaged: diff.unmanaged,
    },
    null,
    2,
  )}\n`;
}
