import { quoteValue } from "../errors.js";
import { grantRecordOfResource, LEGACY_GRANT_RECORD_TYPE, type GrantRecord } from "../grant/record.js";
import type { ResourceChangeJson } from "./plan-json.js";

type Kind = "string" | "boolean" | "strings";

/** A record's fields, the provider attribute each is written as, and the JSON type each must have. */
const FIELDS: readonly (readonly [keyof GrantRecord, string, Kind])[] = [
  ["id", "grant_id", "string"],
  ["principal", "principal", "string"],
  ["target", "target", "string"],
  ["access", "access", "string"],
  ["startsAt", "starts_at", "string"],
  ["expiresAt", "expires_at", "string"],
  ["reason", "reason", "string"],
  ["ticket", "ticket", "string"],
  ["requestedBy", "requested_by", "string"],
  ["approvedBy", "approved_by", "strings"],
  ["breakGlass", "break_glass", "boolean"],
  ["binding", "binding", "string"],
  ["nativeExpiry", "native_expiry", "boolean"],
  ["resources", "resources", "strings"],
  ["digest", "digest", "string"],
];

const KIND_NAMES: Readonly<Record<Kind, string>> = {
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
    for (const [field, attribute, kind] of FIELDS) {
      const value = record[field];
      if (value === undefined || value === null || hasKind(value, kind)) continue;
      const name = change.type === LEGACY_GRANT_RECORD_TYPE ? `input.${field}` : attribute;
      return `${side}: ${name} is ${describe(value)}, not ${KIND_NAMES[kind]}`;
    }
  }
  return undefined;
}

function hasKind(value: unknown, kind: Kind): boolean {
  if (kind === "strings") return Array.isArray(value) && value.every((item) => typeof item === "string");
  return typeof value === kind;
}

function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${quoteValue(value)}`;
  if (Array.isArray(value)) return `a list holding ${quoteValue(value)}`;
  return `${typeof value === "object" ? "an object" : `the ${typeof value}`} ${quoteValue(value)}`;
}
