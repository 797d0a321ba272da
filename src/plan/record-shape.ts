import { quoteValue } from "../errors.js";
import {
  GRANT_RECORD_FIELDS,
  grantRecordOfResource,
  LEGACY_GRANT_RECORD_TYPE,
  type GrantRecordKind,
} from "../grant/record.js";
import type { ResourceChangeJson } from "./plan-json.js";

const KIND_NAMES: Readonly<Record<GrantRecordKind, string>> = {
  string: "a string",
  boolean: "true or false",
  strings: "a list of strings",
};

/**
 * Why a grant record in a resource change has a field of the wrong JSON type (the string
 * "false" where a boolean belongs, a number for a name), named as the plan writes it; undefined
 * when every field present has its type. A field that is absent or null (unknown until
 * apply) is left to the policies. A record the reader would take at its word must not mean
 * one thing to TypeScript and another to Rego.
 */
export function grantRecordTypeProblem(change: ResourceChangeJson): string | undefined {
  for (const side of ["before", "after"] as const) {
    const record = grantRecordOfResource(change.type, change.change[side]);
    if (!record) continue;
    for (const { field, attribute, kind } of GRANT_RECORD_FIELDS) {
      const value = record[field];
      if (value === undefined || value === null || hasKind(value, kind)) continue;
      const name = change.type === LEGACY_GRANT_RECORD_TYPE ? `input.${field}` : attribute;
      return `${side}: ${name} is ${describe(value)}, not ${KIND_NAMES[kind]}`;
    }
  }
  return undefined;
}

function hasKind(value: unknown, kind: GrantRecordKind): boolean {
  if (kind === "strings") return Array.isArray(value) && value.every((item) => typeof item === "string");
  return typeof value === kind;
}

function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${quoteValue(value)}`;
  if (Array.isArray(value)) return `a list holding ${quoteValue(value)}`;
  return `${typeof value === "object" ? "an object" : `the ${typeof value}`} ${quoteValue(value)}`;
}
