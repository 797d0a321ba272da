import type { CheckReport } from "../check/check-plan.js";
import { checkGithub } from "./check-github.js";
import { checkJson } from "./check-json.js";
import { checkJunit } from "./check-junit.js";
import { checkMarkdown } from "./check-markdown.js";
import { checkSarif } from "./check-sarif.js";
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
