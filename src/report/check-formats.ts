import type { CheckReport } from "../check/check-plan.js";
import { checkJson } from "./check-json.js";
import { checkText } from "./check-text.js";

/** Every output format of `tempgrant check`, by name: the one lookup that also feeds --help. */
export const CHECK_FORMATS = {
  text: checkText,
  json: checkJson,
} as const satisfies Record<string, (report: CheckReport) => string>;

export type CheckFormat = keyof typeof CHECK_FORMATS;
