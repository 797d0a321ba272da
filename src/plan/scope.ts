import { readAwsPolicy } from "./aws-policy.js";
import { readGcpBindings, readGcpPolicyData } from "./gcp-iam.js";
import {
  builtInRules,
  everyoneSubjects,
  isRbacManifest,
  rbacObject,
  readRules,
  roleKey,
  type RbacObject,
} from "./kubernetes-rbac.js";
import type { PlanRelations } from "./plan-relations.js";

/**
 * What a privileged resource grants, as plain strings the scope policy can compare:
 * privileges, IAM actions and roles, plus flags such as superuser. Extracted here so the
 * policy does not need to know every provider's attribute names or parse JSON documents.
 */
export interface GrantedScope {
  readonly privileges: readonly string[];
  readonly roles: readonly string[];
  readonly flags: readonly string[];
  /**
   * Access too wide to allow, or that tempgrant cannot read, described for messages (NotAction,
   * a wildcard member, a policy attached from outside the grant, a condition it cannot read).
   * Left out when there is none.
   */
  readonly wide?: readonly string[];
}

const ROLE_FLAGS = [
  "superuser",
  "create_role",
  "create_database",
  "bypass_row_level_security",
  "replication",
];

/** tempgrant's provider's flag names, mapped to the names the scope policy compares. */
const TEMPGRANT_ROLE_FLAGS: Readonly<Record<string, string>> = {
  superuser: "superuser",
  create_role: "create_role",
  create_db: "create_database",
  bypass_rls: "bypass_row_level_security",
  replication: "replication",
};

/** What a resource's scope may depend on elsewhere in the plan, and the grant it belongs to. */
export interface ScopeContext {
  readonly relations: PlanRelations;
  /** The grant that owns the resource; null for none. */
  readonly owner: string | null;
}

/** AWS types holding policy documents (JSON text), and the attributes that hold them. */
const AWS_DOCUMENTS: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy: ["policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_user_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_iam_role: ["assume_role_policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_ssoadmin_permission_set_inline_policy: ["inline_policy"],
};

/** AWS types that attach managed policies by ARN, and the attributes that hold the ARNs. */
export const AWS_ATTACHMENTS: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role_policy_attachment: ["policy_arn"],
  aws_iam_user_policy_attachment: ["policy_arn"],
  aws_iam_group_policy_attachment: ["policy_arn"],
  aws_iam_policy_attachment: ["policy_arn"],
  aws_iam_role: ["managed_policy_arns"],
  aws_iam_role_policy_attachments_exclusive: ["policy_arns"],
  aws_iam_user_policy_attachments_exclusive: ["policy_arns"],
  aws_iam_group_policy_attachments_exclusive: ["policy_arns"],
  aws_ssoadmin_managed_policy_attachment: ["managed_policy_arn"],
};

/**
 * The scope a resource's planned values grant, read as the target reads them. `context`
 * (the rest of the plan) lets a binding be as wide as the role it binds and an attachment be
 * judged by the policy it attaches; without it, those are judged by name alone.
 */
export function grantedScope(type: string, after: unknown, context?: ScopeContext): GrantedScope {
  const values = typeof after === "object" && after !== null ? (after as Record<string, unknown>) : {};
  if (type === "tempgrant_postgresql_login_role" || type === "tempgrant_postgresql_membership") {
    return {
      privileges: [],
      roles: strings(values.member_of),
      flags: Object.entries(TEMPGRANT_ROLE_FLAGS)
        .filter(([attribute]) => values[attribute] === true)
        .map(([, flag]) => flag),
    };
  }
  if (type === "postgresql_role") {
    return {
      privileges: [],
      roles: strings(values.roles),
      flags: ROLE_FLAGS.filter((flag) => values[flag] === true),
    };
  }
  if (type.startsWith("postgresql_grant") || type === "postgresql_default_privileges") {
    return {
      privileges: strings(values.privileges),
      roles: strings(values.grant_role),
      flags: grantOption(values),
    };
  }
  if (type.startsWith("aws_")) return awsScope(type, values, context);
  if (type.startsWith("google_") && type.includes("_iam_")) return gcpScope(type, values);
  if (type.startsWith("kubernetes_") || type === "kubectl_manifest") {
    const rbac = rbacObject(type, values);
    if (rbac) return kubernetesScope(rbac, context);
    if (isRbacManifest(type, values)) return withWide(EMPTY, ["an RBAC object tempgrant cannot read"]);
  }
  return kinScope(type, values);
}

const EMPTY: GrantedScope = Object.freeze({ privileges: [], roles: [], flags: [] });

/** The attributes {@link kinScope} reads. */
const KIN_ATTRIBUTES = [
  "privileges",
  "privilege",
  "all_privileges",
  "grant",
  "with_grant_option",
  "grant_option",
  "roles",
  "role",
  "permission",
  "access_level",
  "role_definition_name",
  "database",
];

/** `wide` is left out when empty: most resources have none, and the policy input stays small. */
function withWide(scope: GrantedScope, wide: readonly string[]): GrantedScope {
  return wide.length > 0 ? { ...scope, wide: [...new Set(wide)] } : scope;
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : typeof value === "string"
      ? [value]
      : [];
}

/** GRANT OPTION, however a provider spells it: the holder may pass the access on. */
function grantOption(values: Record<string, unknown>): string[] {
  return values.with_grant_option === true || values.grant === true || values.grant_option === true
    ? ["grant_option"]
    : [];
}

function awsScope(
  type: string,
  values: Record<string, unknown>,
  context: ScopeContext | undefined,
): GrantedScope {
  const privileges: string[] = [];
  const wide: string[] = [];
  const documents = (AWS_DOCUMENTS[type] ?? []).map((attribute) => values[attribute]);
  if (type === "aws_iam_role" && Array.isArray(values.inline_policy))
    for (const inline of values.inline_policy)
      documents.push((inline as { policy?: unknown } | null)?.policy);
  for (const document of documents) {
    if (typeof document !== "string" || document === "") continue;
    const reading = readAwsPolicy(document);
    privileges.push(...reading.actions);
    wide.push(...reading.wide);
  }
  for (const attribute of AWS_ATTACHMENTS[type] ?? [])
    for (const arn of strings(values[attribute]))
      if (!context?.relations.isGrantPolicyArn(arn, context.owner))
        wide.push(`the policy ${arn}, which this plan does not create for the grant`);
  if (type === "aws_ssoadmin_customer_managed_policy_attachment")
    wide.push("attaches a customer managed policy by name, which tempgrant cannot read");
  return withWide({ privileges, roles: [], flags: [] }, wide);
}

function gcpScope(type: string, values: Record<string, unknown>): GrantedScope {
  if (/_iam_(member|binding)$/.test(type)) {
    const reading = readGcpBindings([values]);
    return withWide({ privileges: [], roles: [...reading.roles], flags: [] }, reading.wide);
  }
  if (/_iam_policy$/.test(type) && typeof values.policy_data === "string") {
    const reading = readGcpPolicyData(values.policy_data);
    return withWide({ privileges: [], roles: [...reading.roles], flags: [] }, reading.wide);
  }
  return { privileges: [], roles: strings(values.role), flags: [] };
}

function kubernetesScope(object: RbacObject, context: ScopeContext | undefined): GrantedScope {
  if ("rules" in object) {
    const { privileges, wide } = readRules(object.rules, object.name);
    return withWide({ privileges, roles: [], flags: [] }, wide);
  }
  const wide = everyoneSubjects(object.subjects);
  const key = roleKey(object.roleKind, object.namespace, object.roleName);
  const rules =
    context?.relations.role(key) ??
    (object.roleKind === "ClusterRole" ? builtInRules(object.roleName) : undefined);
  const read = rules === undefined ? { privileges: [], wide: [] } : readRules(rules, object.roleName);
  return withWide({ privileges: read.privileges, roles: [object.roleName], flags: [] }, [
    ...wide,
    ...read.wide,
  ]);
}

/**
 * Access-granting types of other providers (MySQL, MSSQL, Snowflake, source hosting, ...),
 * read by the attribute names they share: privileges, roles, permissions and access levels;
 * ALL, SUPER and GRANT OPTION however they are spelt.
 */
function kinScope(type: string, values: Record<string, unknown>): GrantedScope {
  // Most resources of a plan are none of these: no lists to build for them.
  if (!KIN_ATTRIBUTES.some((attribute) => values[attribute] !== undefined)) return EMPTY;
  const privileges = [...strings(values.privileges), ...strings(values.privilege)];
  if (values.all_privileges === true) privileges.push("ALL");
  const flags = grantOption(values);
  for (const privilege of privileges) {
    const words = privilege.trim().toUpperCase().split(/\s+/).join(" ");
    if (words === "GRANT OPTION" && !flags.includes("grant_option")) flags.push("grant_option");
    if (words === "SUPER" && !flags.includes("superuser")) flags.push("superuser");
  }
  const roles = [
    ...strings(values.roles),
    ...strings(values.role),
    ...strings(values.permission),
    ...strings(values.access_level),
    ...strings(values.role_definition_name),
  ];
  const wide = type.startsWith("mysql_") && values.database === "*" ? ['every database (database "*")'] : [];
  return withWide({ privileges, roles, flags }, wide);
}

/**
 * Attributes that say nothing about who may do what: identifiers and timestamps the provider
 * computes (`id`, `arn`, PostgreSQL's `oid`, ...). Matched on the last attribute name of a
 * path (`metadata[0].uid` is `uid`). Every other attribute of a privileged resource is
 * access-relevant: unknown at plan time, it is denied; changed in place, it widens access.
 * A type tempgrant does not know gets the same default: every attribute but these counts.
 */
export const HARMLESS_ATTRIBUTES: ReadonlySet<string> = new Set([
  "id",
  "arn",
  "oid",
  "etag",
  "create_date",
  "create_time",
  "creation_timestamp",
  "update_time",
  "unique_id",
  "uid",
  "resource_version",
  "generation",
  "self_link",
  "tags_all",
]);

/** Computed attributes that are harmless for one type only: `terraform_data.output` echoes its input. */
const HARMLESS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  terraform_data: ["output"],
};

/** Attributes whose value is the grant's native expiry: later is wider, earlier is narrower. */
const EXPIRY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  tempgrant_postgresql_login_role: ["valid_until"],
  postgresql_role: ["valid_until"],
};

/** Attributes {@link grantedScope} reads, per type: compared as scope, not as text. */
function scopeAttributes(type: string): readonly string[] {
  if (type === "tempgrant_postgresql_login_role" || type === "tempgrant_postgresql_membership")
    return ["member_of", ...Object.keys(TEMPGRANT_ROLE_FLAGS)];
  if (type === "postgresql_role") return ["roles", ...ROLE_FLAGS];
  if (type.startsWith("postgresql_grant") || type === "postgresql_default_privileges")
    return ["privileges", "grant_role"];
  return [];
}

/** The last attribute name of a path such as `metadata[0].uid`. */
function lastAttribute(path: string): string {
  if (!path.includes(".") && !path.includes("[")) return path;
  const parts = path.replace(/\[\d+\]/g, "").split(".");
  return parts[parts.length - 1] ?? path;
}

/** The unknown paths of a privileged resource that decide access (see {@link HARMLESS_ATTRIBUTES}). */
export function accessRelevantUnknown(type: string, paths: readonly string[]): string[] {
  const own = HARMLESS_BY_TYPE[type] ?? [];
  return paths.filter(
    (path) => path === "*" || !(HARMLESS_ATTRIBUTES.has(lastAttribute(path)) || own.includes(path)),
  );
}

/**
 * What an in-place change of a privileged resource adds to its access, described for
 * messages: privileges, roles and flags it did not grant before; a native expiry moved later
 * or dropped; any other access-relevant attribute changed (nothing proves it is narrower).
 */
export function widenedScope(
  type: string,
  before: unknown,
  after: unknown,
  expiry: (values: unknown) => number | undefined,
  context?: ScopeContext,
): string[] {
  if (typeof before !== "object" || before === null || typeof after !== "object" || after === null) return [];
  const was = before as Record<string, unknown>;
  const is = after as Record<string, unknown>;
  const widened: string[] = [];
  const old = grantedScope(type, was, context);
  const now = grantedScope(type, is, context);
  for (const [kind, list] of [
    ["privilege", "privileges"],
    ["role", "roles"],
    ["flag", "flags"],
    ["access", "wide"],
  ] as const) {
    const had = new Set((old[list] ?? []).map((item) => item.trim().toLowerCase()));
    for (const item of now[list] ?? [])
      if (!had.has(item.trim().toLowerCase())) widened.push(`${kind} ${item}`);
  }
  const expiryAttributes = EXPIRY_ATTRIBUTES[type] ?? [];
  if (expiryAttributes.some((key) => JSON.stringify(was[key]) !== JSON.stringify(is[key]))) {
    const from = expiry(was);
    const to = expiry(is);
    if (to === undefined ? from !== undefined : from !== undefined && to > from)
      widened.push(`${expiryAttributes.join(", ")} later`);
  }
  const compared = new Set([...scopeAttributes(type), ...expiryAttributes]);
  for (const key of [...new Set([...Object.keys(was), ...Object.keys(is)])].sort()) {
    if (compared.has(key) || HARMLESS_ATTRIBUTES.has(key)) continue;
    if (JSON.stringify(was[key]) !== JSON.stringify(is[key])) widened.push(`${key} changed`);
  }
  return widened;
}
