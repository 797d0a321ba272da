import type { AuditDiff } from "../audit/diff/audit-diff.js";
import { auditDiffCsv } from "./audit-diff-csv.js";
import { auditDiffJson } from "./audit-diff-json.js";
import { auditDiffMarkdown } from "./audit-diff-markdown.js";
import { auditDiffText } from "./audit-diff-text.js";
import type { AuditDiffFormat } from "./format-names.js";

/** Every output format of `tempgrant audit diff`, by name (the names, for --help, are in format-names.ts). */
export const AUDIT_DIFF_FORMATS: Record<
  AuditDiffFormat,
  (diff: AuditDiff, options?: { colour?: boolean }) => string
> = {
  text: auditDiffText,
  markdown: auditDiffMarkdown,
  json: auditDiffJson,
  csv: auditDiffCsv,
};
