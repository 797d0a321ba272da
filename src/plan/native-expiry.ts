import { parseTimestamp } from "../grant/time.js";
import { readAwsPolicy } from "./aws-policy.js";
import { readGcpBindings, readGcpPolicyData } from "./gcp-iam.js";

/** AWS policy types whose document tempgrant reads an expiry from: managed and inline policies. */
const AWS_POLICY_TYPES = new Set([
  "aws_iam_policy",
  "aws_iam_role_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
]);

/**
 * The expiry a target resource enforces by itself, read from its planned values, as epoch
 * seconds; undefined when it has none (or an unbounded one, or one tempgrant cannot read).
 * Parsed here, in TypeScript, because the WASM runtime has no time functions.
 */
export function nativeExpiryOf(type: string, after: unknown): number | undefined {
  if (typeof after !== "object" || after === null) return undefined;
  const values = after as Record<string, unknown>;
  if (type === "tempgrant_postgresql_login_role") {
    return typeof values.valid_until === "string" ? instant(values.valid_until) : undefined;
  }
  if (type === "postgresql_role") return postgresTimestamp(values.valid_until);
  // The latest expiry over the Allow statements; none when one of them has none.
  if (AWS_POLICY_TYPES.has(type))
    return typeof values.policy === "string" ? readAwsPolicy(values.policy).expiry : undefined;
  if (GCP_BINDING.test(type)) return readGcpBindings([values]).expiry;
  if (GCP_POLICY.test(type))
    return typeof values.policy_data === "string" ? readGcpPolicyData(values.policy_data).expiry : undefined;
  return undefined;
}

const GCP_BINDING = /^google_.*_iam_(member|binding)$/;
const GCP_POLICY = /^google_.*_iam_policy$/;

/** PostgreSQL's text form of a timestamptz in UTC: `2027-01-11 17:00:00+00`. */
function postgresTimestamp(value: unknown): number | undefined {
  const match =
    typeof value === "string" ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\+00$/.exec(value) : null;
  return match ? instant(`${match[1]}T${match[2]}Z`) : undefined;
}

function instant(text: string): number | undefined {
  const parsed = parseTimestamp(text);
  return parsed.ok ? parsed.instant.seconds : undefined;
}

/**
 * Whether a resource is one whose native expiry tempgrant reads: a PostgreSQL login role
 * (tempgrant's provider or cyrilgdn's), an AWS managed or inline policy, a GCP IAM member,
 * binding or policy. Membership roles (no login) are not.
 */
export function isExpiryBearing(type: string, after: unknown): boolean {
  if (type === "tempgrant_postgresql_login_role") return true;
  if (type === "postgresql_role") return (after as { login?: unknown } | null | undefined)?.login === true;
  return AWS_POLICY_TYPES.has(type) || GCP_BINDING.test(type) || GCP_POLICY.test(type);
}
