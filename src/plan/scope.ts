/**
 * What a privileged resource grants, as plain strings the scope policy can compare:
 * privileges, IAM actions and roles, plus flags such as superuser. Extracted here so the
 * policy does not need to know every provider's attribute names or parse JSON documents.
 */
export interface GrantedScope {
  readonly privileges: readonly string[];
  readonly roles: readonly string[];
  readonly flags: readonly string[];
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

/** The scope a resource's planned values grant. Empty lists when nothing is recognized. */
export function grantedScope(type: string, after: unknown): GrantedScope {
  const values = typeof after === "object" && after !== null ? (after as Record<string, unknown>) : {};
  const strings = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.filter((item): item is string => typeof item === "string")
      : typeof value === "string"
        ? [value]
        : [];
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
    return { privileges: strings(values.privileges), roles: strings(values.grant_role), flags: [] };
  }
  if (/^aws_iam_.*policy$/.test(type) && typeof values.policy === "string") {
    return { privileges: awsActions(values.policy), roles: [], flags: [] };
  }
  if (type.startsWith("google_") && type.includes("_iam_"))
    return { privileges: [], roles: strings(values.role), flags: [] };
  if (type.startsWith("kubernetes_") && type.includes("role_binding")) {
    const roleRef = Array.isArray(values.role_ref) ? values.role_ref[0] : values.role_ref;
    return { privileges: [], roles: strings((roleRef as { name?: unknown } | undefined)?.name), flags: [] };
  }
  return { privileges: [], roles: [], flags: [] };
}

function awsActions(policy: string): string[] {
  try {
    const document = JSON.parse(policy) as { Statement?: unknown };
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return statements.flatMap((statement) => {
      const action = (statement as { Action?: unknown } | undefined)?.Action;
      return Array.isArray(action) ? action.map(String) : action === undefined ? [] : [String(action)];
    });
  } catch {
    return ["<unparseable policy>"];
  }
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
): string[] {
  if (typeof before !== "object" || before === null || typeof after !== "object" || after === null) return [];
  const was = before as Record<string, unknown>;
  const is = after as Record<string, unknown>;
  const widened: string[] = [];
  const old = grantedScope(type, was);
  const now = grantedScope(type, is);
  for (const [kind, list] of [
    ["privilege", "privileges"],
    ["role", "roles"],
    ["flag", "flags"],
  ] as const) {
    const had = new Set(old[list].map((item) => item.trim().toLowerCase()));
    for (const item of now[list]) if (!had.has(item.trim().toLowerCase())) widened.push(`${kind} ${item}`);
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
