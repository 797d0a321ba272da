import type { CheckReport } from "../check/check-plan.js";
import { checkGithub } from "./check-github.js";
import { checkJson, checkJsonAll } from "./check-json.js";
import { checkJunit, junitDocument } from "./check-junit.js";
import { checkMarkdown } from "./check-markdown.js";
import { checkSarif, sarifLog } from "./check-sarif.js";
import { checkText } from "./check-text.js";

import type { CheckFormat } from "./format-names.js";

/** Every output format of `tempgrant check`, by name (the names, for --help, are in format-names.ts). */
export const CHECK_FORMATS: Record<
  CheckFormat,
  (report: CheckReport, options?: { colour?: boolean }) => string
> = {
  text: checkText,
  json: checkJson,
  sarif: checkSarif,
  junit: checkJunit,
  github: checkGithub,
  markdown: checkMarkdown,
};

/**
 * Several reports (`plan` and `apply`: one per stack) in one format. Machine formats make
 * one valid document (a SARIF run and a JUnit suite per stack, one JSON object); the
 * others print each report in turn.
 */
export function renderReports(
  format: CheckFormat,
  reports: readonly CheckReport[],
  options: { colour?: boolean } = {},
): string {
  if (format === "json") return checkJsonAll(reports);
  if (format === "sarif") return sarifLog(reports);
  if (format === "junit") return junitDocument(reports);
  return reports.map((report) => CHECK_FORMATS[format](report, options)).join("");
}
