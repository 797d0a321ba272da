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
