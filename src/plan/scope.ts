import { targetExpiryAttributes, targetScope, targetScopeAttributes } from "../targets/registry.js";
import { EMPTY_SCOPE, grantOption, strings, withWide } from "../targets/scope-values.js";
import type { GrantedScope, ScopeContext } from "../targets/target-module.js";

export type { GrantedScope, ScopeContext };

/**
 * The scope a resource's planned values grant, read as the target reads them (each target's
 * reader, through the registry); a type no target reads, by the attribute names providers
 * share. `context` (the rest of the plan) lets a binding be as wide as the role it binds and
 * an attachment be judged by the policy it attaches; without it, those are judged by name alone.
 */
export function grantedScope(type: string, after: unknown, context?: ScopeContext): GrantedScope {
  const carried = OPAQUE_CARRIERS.get(type);
  if (carried !== undefined)
    return withWide(EMPTY_SCOPE, [`whatever ${carried} holds, which tempgrant does not read`]);
  const values = typeof after === "object" && after !== null ? (after as Record<string, unknown>) : {};
  return targetScope(type, values, context) ?? kinScope(type, values);
}

/**
 * Types that create whatever their template, chart, document or payload says (an IAM user, a
 * cluster-admin binding): privileged by default (privileged-types.ts), and too wide in a grant,
 * since nothing here reads what they carry. `scope.allow` is the reviewed way past.
 */
export const OPAQUE_CARRIERS: ReadonlyMap<string, string> = new Map([
  ["aws_cloudformation_stack", "a CloudFormation template"],
  ["aws_cloudformation_stack_set", "a CloudFormation template"],
  ["aws_cloudformation_stack_instances", "a CloudFormation template"],
  ["aws_ssm_association", "an SSM document run on instances"],
  ["aws_lambda_invocation", "a Lambda function invoked at apply"],
  ["helm_release", "a Helm chart"],
  // The shell provider runs its scripts on the pipeline's machine at create, read and delete.
  ["shell_script", "a shell script"],
  ["shell_sensitive_script", "a shell script"],
]);

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
  "role_name",
  "permission",
  "access_level",
  "role_definition_name",
  "database",
  // MySQL's account name (empty: the anonymous user); Snowflake's default role
  "user",
  "default_role",
];

/**
 * Access-granting types of other providers (MySQL, MSSQL, Snowflake, source hosting, ...),
 * read by the attribute names they share: privileges, roles, permissions and access levels;
 * ALL, SUPER and GRANT OPTION however they are spelt.
 */
function kinScope(type: string, values: Record<string, unknown>): GrantedScope {
  // Most resources of a plan are none of these: no lists to build for them.
  if (!KIN_ATTRIBUTES.some((attribute) => values[attribute] !== undefined)) return EMPTY_SCOPE;
  // Words joined by one space: the policy splits on " " alone, so "ALL\tPRIVILEGES" (a tab, a
  // no-break space) would not read as ALL PRIVILEGES there.
  const privileges = [...strings(values.privileges), ...strings(values.privilege)].map((privilege) =>
    privilege.trim().split(/\s+/).join(" "),
  );
  if (values.all_privileges === true) privileges.push("ALL");
  const flags = grantOption(values);
  for (const privilege of privileges) {
    const words = privilege.trim().toUpperCase().split(/\s+/).join(" ");
    if (words === "GRANT OPTION" && !flags.includes("grant_option")) flags.push("grant_option");
    if (words === "SUPER" && !flags.includes("superuser")) flags.push("superuser");
  }
  const wide: string[] = [];
  const roles = [
    ...roleNames(values.roles, wide),
    ...strings(values.role),
    // Snowflake names the role a grant gives `role_name` (elsewhere it can be the grantee's
    // name); a user's `default_role` is read as held, so the administrator and forbidden roles
    // apply. Secondary roles (`ALL`) only make the roles a user holds active together: their
    // grants are judged where they are made.
    ...(type.startsWith("snowflake_") ? [...strings(values.role_name), ...strings(values.default_role)] : []),
    ...strings(values.permission),
    ...strings(values.access_level),
    ...strings(values.role_definition_name),
  ];
  const engine = Object.keys(ADMIN_ROLES).find((prefix) => type.startsWith(prefix));
  if (engine !== undefined) {
    const admin = ADMIN_ROLES[engine]!;
    for (const role of roles)
      if (
        admin.roles.has(
          role
            .trim()
            .replace(/^"(.*)"$/s, "$1")
            .toLowerCase(),
        )
      )
        wide.push(`the role ${JSON.stringify(role)} (${admin.why})`);
  }
  if (type.startsWith("mysql_")) {
    wide.push(...mysqlWideDatabase(values.database));
    // The anonymous account ('') matches every login name from its host.
    if (typeof values.user === "string" && values.user.trim() === "")
      wide.push(
        `the anonymous MySQL user (user ${JSON.stringify(values.user)}), which every login name matches`,
      );
    for (const privilege of privileges)
      if (mysqlAdministrative(privilege))
        wide.push(`the privilege ${JSON.stringify(privilege)} (it administers the whole MySQL server)`);
  }
  if (type.startsWith("snowflake_"))
    for (const privilege of privileges)
      if (privilege.toUpperCase() === "MANAGE GRANTS")
        wide.push(`the privilege ${JSON.stringify(privilege)} (it grants anything in the Snowflake account)`);
  return withWide({ privileges, roles, flags }, wide);
}

/**
 * The role names of a `roles` attribute: strings, or objects naming theirs in `role_name`
 * (MongoDB Atlas: `{ role_name, database_name }`) or `name` (Cloud Identity: `{ name }`). An item that is neither is a role
 * tempgrant cannot read: added to `wide`.
 */
function roleNames(value: unknown, wide: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) {
    wide.push("roles tempgrant cannot read");
    return [];
  }
  const names: string[] = [];
  for (const item of value) {
    const name =
      typeof item === "string"
        ? item
        : typeof item === "object" && item !== null
          ? ((item as Record<string, unknown>).role_name ?? (item as Record<string, unknown>).name)
          : undefined;
    if (typeof name === "string") names.push(name);
    else wide.push("a role tempgrant cannot read");
  }
  return names;
}

/**
 * Built-in roles that administer a whole server or account, by provider prefix; compared
 * trimmed, unquoted and in lower case. Too wide in the reader, whatever scope.forbiddenRoles says.
 */
const ADMIN_ROLES: Readonly<Record<string, { readonly roles: ReadonlySet<string>; readonly why: string }>> = {
  snowflake_: {
    roles: new Set(["accountadmin", "securityadmin", "orgadmin", "sysadmin", "globalorgadmin"]),
    why: "a Snowflake administrator role",
  },
  mongodbatlas_: {
    roles: new Set([
      "atlasadmin",
      "readwriteanydatabase",
      "useradminanydatabase",
      "dbadminanydatabase",
      "clustermanager",
      "org_owner",
      "group_owner",
    ]),
    why: "every database of the cluster, or its administration",
  },
  mssql_: {
    roles: new Set(["sysadmin", "securityadmin", "serveradmin", "db_owner", "db_securityadmin"]),
    why: "an SQL Server administrator role",
  },
};

/** MySQL's static privileges that act on the whole server rather than one database. */
const MYSQL_SERVER_PRIVILEGES = new Set([
  "FILE",
  "SHUTDOWN",
  "CREATE_USER",
  "RELOAD",
  "PROCESS",
  "PROXY",
  "REPLICATION_SLAVE",
  "REPLICATION_CLIENT",
  // Dynamic privileges that are not named …_ADMIN (MySQL 8; MariaDB's SET USER)
  "SET_USER_ID",
  "SET_ANY_DEFINER",
  "SET_USER",
  "ALLOW_NONEXISTENT_DEFINER",
  "SYSTEM_USER",
  "REPLICATION_APPLIER",
]);

/**
 * Whether a MySQL privilege administers the server: a static one such as FILE or CREATE USER,
 * or a dynamic …_ADMIN one (SYSTEM_VARIABLES_ADMIN, CONNECTION_ADMIN, ROLE_ADMIN, MariaDB's
 * "BINLOG ADMIN"), however spaced.
 */
function mysqlAdministrative(privilege: string): boolean {
  const name = privilege
    .trim()
    .toUpperCase()
    .split(/[\s_]+/)
    .join("_");
  return MYSQL_SERVER_PRIVILEGES.has(name) || name.endsWith("_ADMIN");
}

/**
 * What a MySQL grant's `database` reaches beyond one ordinary database. In `GRANT … ON db.*`
 * MySQL reads `%` and `_` in the name as wildcards unless escaped (`\%`, `\_`), so `%` is
 * every database; and the `mysql` database holds the grant tables themselves: writing there
 * is granting anything, reading there is every account's password hash.
 */
function mysqlWideDatabase(database: unknown): string[] {
  if (typeof database !== "string") return [];
  // A name quoted as an identifier (`mysql`) is the same database.
  const name = database
    .trim()
    .replace(/^`(.*)`$/s, "$1")
    .trim();
  if (name === "*" || name === "%") return [`every database (database ${JSON.stringify(database)})`];
  if (name.toLowerCase() === "mysql")
    return [
      `the grant tables (database ${JSON.stringify(database)}: every account's privileges and password hashes)`,
    ];
  // An unescaped % or _: a backslash escapes the character after it.
  if (/^(?:[^\\%_]|\\.)*[%_]/s.test(name))
    return [
      `every database matching the pattern ${JSON.stringify(database)} (MySQL reads % and _ as wildcards; escape them as \\% and \\_)`,
    ];
  return [];
}

/**
 * Attributes that say nothing about who may do what: identifiers and timestamps the provider
 * computes (`id`, `arn`, PostgreSQL's `oid`, ...). They count at the top level of a resource,
 * and in a Kubernetes object's `metadata` (`metadata[0].uid`), where the server sets them;
 * deeper elsewhere, the same name can say what the access is on (the `data_location[0].arn`
 * of `aws_lakeformation_permissions`). Every other attribute of a privileged resource is
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
  // Computed by AWS for a new policy: how many attach it and its id, not what it allows.
  aws_iam_policy: ["attachment_count", "policy_id"],
  aws_sqs_queue: ["url"],
  aws_kms_key: ["key_id"],
  aws_lambda_function_url: ["function_arn", "function_url", "url_id"],
  aws_iot_policy: ["default_version_id"],
  // The owner account, whether the applied policy is public, the policy as applied: AWS's
  // account of what the plan's own policy (read) does.
  aws_s3control_access_point_policy: ["has_public_access_policy"],
  aws_s3control_object_lambda_access_point_policy: ["account_id", "has_public_access_policy"],
  aws_s3control_multi_region_access_point_policy: ["account_id", "established", "proposed"],
  // What the server gave the applied object: its uid and version, not what it is.
  kubectl_manifest: ["live_uid", "live_manifest_incluster", "yaml_incluster"],
};

/** Whether a path such as `id` or `metadata[0].uid` names a harmless attribute where it counts (see {@link HARMLESS_ATTRIBUTES}). */
function harmlessPath(path: string): boolean {
  if (!path.includes(".") && !path.includes("[")) return HARMLESS_ATTRIBUTES.has(path);
  const parts = path.replace(/\[\d+\]/g, "").split(".");
  return parts.length === 2 && parts[0] === "metadata" && HARMLESS_ATTRIBUTES.has(parts[1]!);
}

/** The unknown paths of a privileged resource that decide access (see {@link HARMLESS_ATTRIBUTES}). */
export function accessRelevantUnknown(type: string, paths: readonly string[]): string[] {
  const own = HARMLESS_BY_TYPE[type] ?? [];
  return paths.filter((path) => path === "*" || !(harmlessPath(path) || own.includes(path)));
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
  const expiryAttributes = targetExpiryAttributes(type);
  if (expiryAttributes.some((key) => JSON.stringify(was[key]) !== JSON.stringify(is[key]))) {
    const from = expiry(was);
    const to = expiry(is);
    if (to === undefined ? from !== undefined : from !== undefined && to > from)
      widened.push(`${expiryAttributes.join(", ")} later`);
  }
  const compared = new Set([...targetScopeAttributes(type), ...expiryAttributes]);
  for (const key of [...new Set([...Object.keys(was), ...Object.keys(is)])].sort()) {
    if (compared.has(key) || HARMLESS_ATTRIBUTES.has(key)) continue;
    if (JSON.stringify(was[key]) !== JSON.stringify(is[key])) widened.push(`${key} changed`);
  }
  return widened;
}
