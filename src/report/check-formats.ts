import type { CheckReport } from "../check/check-plan.js";
import { checkGithub } from "./check-github.js";
import { checkJson } from "./check-json.js";
import { checkJunit } from "./check-junit.js";
import { checkMarkdown } from "./check-markdown.js";
import { checkSarif } from "./check-sarif.js";
import { checkText } from "./check-text.js";

/** Every output format of `tempgrant check`, by name: the one lookup that also feeds --help. */
export const CHECK_FORMATS = {
  text: checkText,
  json: checkJson,
  sarif: checkSarif,
  junit: checkJunit,
  github: checkGithub,
  markdown: checkMarkdown,
} as const satisfies Record<string, (report: CheckReport) => string>;

export type CheckFormat = keyof typeof CHECK_FORMATS;
