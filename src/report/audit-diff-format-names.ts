/**
 * Output format names of `tempgrant audit diff`, apart from the formatters, so `--help` and
 * option parsing do not load every formatter (and csv-stringify) just to list them.
 */
export const AUDIT_DIFF_FORMAT_NAMES = ["text", "markdown", "json", "csv"] as const;
export type AuditDiffFormat = (typeof AUDIT_DIFF_FORMAT_NAMES)[number];
