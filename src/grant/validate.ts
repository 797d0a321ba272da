import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Grant, GrantSpec } from "./model.js";
import { quoteValue } from "../errors.js";
import { childPath, InvalidInputError, type Problem } from "./problem.js";
import schema from "./grants.schema.json" with { type: "json" };
import { parseTimestamp } from "./time.js";
import { grantTextProblems } from "./identity.js";

// Compiled on first use: compiling costs about 100 ms, which commands that never validate
// a grant (check, --help) should not pay.
let compiled: { grant: ValidateFunction; file: ValidateFunction } | undefined;
function validators(): { grant: ValidateFunction; file: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
    ajv.addSchema(schema, "grants");
    compiled = { grant: ajv.getSchema("grants#/definitions/grant")!, file: ajv.getSchema("grants")! };
  }
  return compiled;
}
const GRANT_FIELDS = Object.keys(schema.definitions.grant.properties);

/** The published JSON Schema of a grants file (grants/*.yaml), for editors and CI. */
export const GRANTS_FILE_SCHEMA = schema;

/** Either a valid grant or every problem with it. */
export type GrantValidation =
  | { readonly grant: Grant; readonly problems: readonly [] }
  | { readonly grant: undefined; readonly problems: readonly Problem[] };

/**
 * Validates one declared grant: its shape against the published schema, then its
 * timestamps and window. Collects every problem; `path` prefixes each problem's path.
 */
export function validateGrant(raw: unknown, path = ""): GrantValidation {
  const validateGrantShape = validators().grant;
  if (!validateGrantShape(raw)) {
    return { grant: undefined, problems: shapeProblems(validateGrantShape.errors ?? [], path) };
  }
  const spec = raw as GrantSpec;
  const problems: Problem[] = [
    ...reservedTextProblems(spec, path),
    ...grantTextProblems(spec).map((problem) => ({
      path: fieldPath(path, problem.field),
      code: problem.code,
      message: problem.message,
    })),
  ];
  const expires = parseTimestamp(spec.expiresAt);
  if (!expires.ok)
    problems.push({ path: childPath(path, "expiresAt"), code: expires.code, message: expires.message });
  const starts = spec.startsAt === undefined ? undefined : parseTimestamp(spec.startsAt);
  if (starts && !starts.ok)
    problems.push({ path: childPath(path, "startsAt"), code: starts.code, message: starts.message });
  if (!expires.ok || (starts && !starts.ok)) return { grant: undefined, problems };

  // A dropped fraction never widens the window: starts round up, expiries round down.
  const expiresAt = expires.instant.seconds;
  const startsAt = starts?.ok ? starts.instant.seconds + (starts.instant.hadFraction ? 1 : 0) : undefined;
  if (startsAt !== undefined && expiresAt <= startsAt) {
    problems.push({
      path: childPath(path, "expiresAt"),
      code: "WINDOW_EMPTY",
      message: `expiresAt (${spec.expiresAt}) must be after startsAt (${spec.startsAt})`,
    });
    return { grant: undefined, problems };
  }
  if (problems.length > 0) return { grant: undefined, problems };
  return {
    grant: {
      id: spec.id,
      principal: spec.principal,
      target: spec.target,
      access: spec.access,
      startsAt,
      expiresAt,
      reason: spec.reason,
      ticket: spec.ticket,
      requestedBy: spec.requestedBy,
      approvedBy: [...(spec.approvedBy ?? [])],
      breakGlass: spec.breakGlass ?? false,
      credential: spec.credential,
    },
    problems: [],
  };
}

/**
 * cdktf resolves `${TfToken[...]}` (and its list and map forms) anywhere in a string, so a
 * grant whose text held one could splice another value into the configuration, or break
 * synthesis for every grant in its stack. No grant needs the sequence: refuse it.
 */
const CDKTF_TOKEN_MARKER = /[$#&]\{TfToken\[/;

function reservedTextProblems(spec: GrantSpec, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const [field, value] of Object.entries(spec)) {
    const texts = Array.isArray(value) ? value : [value];
    if (texts.some((text) => typeof text === "string" && CDKTF_TOKEN_MARKER.test(text))) {
      problems.push({
        path: childPath(path, field),
        code: "TEXT_RESERVED",
        message: "holds a cdktf token marker (`${TfToken[`), which tempgrant reserves",
      });
    }
  }
  return problems;
}

/** `approvedBy[1]` under `path`, as {@link childPath} writes it. */
function fieldPath(path: string, field: string): string {
  const match = /^(\w+)\[(\d+)\]$/.exec(field);
  return match ? childPath(childPath(path, match[1]!), Number(match[2])) : childPath(path, field);
}

/** Validates a grant and throws {@link InvalidInputError} naming `source` when it is invalid. */
export function requireValidGrant(raw: unknown, source: string, path = ""): Grant {
  const result = validateGrant(raw, path);
  if (!result.grant) throw new InvalidInputError(source, result.problems);
  return result.grant;
}

/**
 * Validates the top level of a grants file (`grants:` list and nothing else). Grants inside
 * are checked one by one with {@link validateGrant}, so one bad grant does not hide the others.
 */
export function validateGrantsFileShape(raw: unknown): Problem[] {
  if (
    typeof raw === "object" &&
    raw !== null &&
    !Array.isArray(raw) &&
    Array.isArray((raw as { grants?: unknown }).grants)
  ) {
    const { grants: _grants, ...rest } = raw as Record<string, unknown>;
    return Object.keys(rest).map((key) => unknownField(key, "", ["grants"]));
  }
  const validateFileShape = validators().file;
  if (validateFileShape(raw)) return [];
  return shapeProblems(validateFileShape.errors ?? [], "");
}

function shapeProblems(errors: readonly ErrorObject[], base: string): Problem[] {
  return errors.map((error) => {
    const path = pointerToPath(base, error.instancePath);
    switch (error.keyword) {
      case "required": {
        const field = (error.params as { missingProperty: string }).missingProperty;
        return {
          path: childPath(path, field),
          code: "FIELD_MISSING",
          message: `missing required field "${field}"`,
        };
      }
      case "additionalProperties": {
        const field = (error.params as { additionalProperty: string }).additionalProperty;
        return unknownField(field, path, GRANT_FIELDS);
      }
      case "pattern":
        return { path, code: "FIELD_FORMAT", message: `${describeValue(error.data)} ${patternAdvice(path)}` };
      case "type":
        return {
          path,
          code: "FIELD_TYPE",
          message: `must be ${article((error.params as { type: string }).type)}, not ${describeValue(error.data)}`,
        };
      default:
        return {
          path,
          code: "FIELD_INVALID",
          message: `${describeValue(error.data)}: ${error.message ?? "is invalid"}`,
        };
    }
  });
}

function unknownField(field: string, path: string, known: readonly string[]): Problem {
  const suggestion = closest(field, known);
  return {
    path: childPath(path, field),
    code: "FIELD_UNKNOWN",
    message: `unknown field ${quoteValue(field)}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
  };
}

function patternAdvice(path: string): string {
  if (path.endsWith("id")) return "is not a valid id: use lowercase letters, digits and dashes (at most 48)";
  return "may only hold letters, digits, dots, dashes and underscores";
}

function article(type: string): string {
  return type === "array" || type === "object" || type === "integer" ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return quoteValue(value);
}

/** Turns an ajv JSON pointer (/grants/0/id) into our path (grants[0].id). */
function pointerToPath(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    path = /^\d+$/.test(key) ? childPath(path, Number(key)) : childPath(path, key);
  }
  return path;
}

/** The known name closest to a misspelt one, when it is close enough to be a typo. */
function closest(word: string, known: readonly string[]): string | undefined {
  const normalize = (text: string) => text.toLowerCase().replace(/[-_]/g, "");
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(normalize(word), normalize(name));
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 4)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
