import { parseTimestamp } from "../grant/time.js";

/**
 * The expiry a target resource enforces by itself, read from its planned values, as epoch
 * seconds; undefined when it has none (or an unbounded one). Parsed here, in TypeScript,
 * because the WASM runtime has no time functions.
 */
export function nativeExpiryOf(type: string, after: unknown): number | undefined {
  if (typeof after !== "object" || after === null) return undefined;
  const values = after as Record<string, unknown>;
  if (type === "tempgrant_postgresql_login_role") {
    return typeof values.valid_until === "string" ? instant(values.valid_until) : undefined;
  }
  if (type === "postgresql_role") return postgresTimestamp(values.valid_until);
  if (type === "aws_iam_policy") return awsPolicyExpiry(values.policy);
  if (/^google_.*_iam_(member|binding)$/.test(type)) return gcpConditionExpiry(values.condition);
  return undefined;
}

/** PostgreSQL's text form of a timestamptz in UTC: `2027-01-11 17:00:00+00`. */
function postgresTimestamp(value: unknown): number | undefined {
  const match =
    typeof value === "string" ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\+00$/.exec(value) : null;
  return match ? instant(`${match[1]}T${match[2]}Z`) : undefined;
}

/** The earliest `DateLessThan aws:CurrentTime` over all statements; every statement must have one. */
function awsPolicyExpiry(policy: unknown): number | undefined {
  if (typeof policy !== "string") return undefined;
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return undefined;
  }
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  let earliest: number | undefined;
  for (const statement of statements) {
    const value = (statement as { Condition?: { DateLessThan?: Record<string, unknown> } } | undefined)
      ?.Condition?.DateLessThan?.["aws:CurrentTime"];
    const expiry = typeof value === "string" ? instant(value) : undefined;
    if (expiry === undefined) return undefined;
    earliest = earliest === undefined ? expiry : Math.min(earliest, expiry);
  }
  return earliest;
}

/** `request.time < timestamp("…")` in an IAM condition (object or one-element list). */
function gcpConditionExpiry(condition: unknown): number | undefined {
  const first = Array.isArray(condition) ? condition[0] : condition;
  const expression = (first as { expression?: unknown } | undefined)?.expression;
  if (typeof expression !== "string") return undefined;
  const match = /request\.time\s*<\s*timestamp\(\s*"([^"]+)"\s*\)/.exec(expression);
  return match?.[1] ? instant(match[1]) : undefined;
}

function instant(text: string): number | undefined {
  const parsed = parseTimestamp(text);
  return parsed.ok ? parsed.instant.seconds : undefined;
}

/**
 * Whether a resource is one whose native expiry tempgrant reads: a PostgreSQL login role
 * (tempgrant's provider or cyrilgdn's),
 * an AWS managed policy, a GCP IAM member or binding. Membership roles (no login) are not.
 */
export function isExpiryBearing(type: string, after: unknown): boolean {
  if (type === "tempgrant_postgresql_login_role") return true;
  if (type === "postgresql_role") return (after as { login?: unknown } | null | undefined)?.login === true;
  return type === "aws_iam_policy" || /^google_.*_iam_(member|binding)$/.test(type);
}
