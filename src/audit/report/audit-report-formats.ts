import type { AuditReportFormat } from "../../report/format-names.js";
import type { AuditReport } from "./audit-period.js";

/**
 * Every output format of `tempgrant audit report`, by name (the names, for --help, are in
 * src/report/format-names.ts). Each is loaded when asked for: the HTML page need not load
 * csv-stringify, nor the CSV the page's template.
 */
export const AUDIT_REPORT_FORMATS: Record<AuditReportFormat, () => Promise<(report: AuditReport) => string>> =
  {
    html: async () => (await import("./audit-html.js")).auditHtml,
    markdown: async () => (await import("./audit-text-formats.js")).auditMarkdown,
    csv: async () => (await import("./audit-text-formats.js")).auditCsv,
    json: async () => (await import("./audit-text-formats.js")).auditJson,
  };
