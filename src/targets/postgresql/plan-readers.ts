import { parseTimestamp } from "../../grant/time.js";
import { grantOption, isSet, strings, withWide } from "../scope-values.js";
import type { GrantedScope, PlanReaders } from "../target-module.js";
import { POSTGRESQL_ACCESS_TYPES } from "./binding.js";
import { parsePostgresTimestamp } from "./timestamp.js";

/** The role flags of cyrilgdn's `postgresql_role`, as the scope policy names them. */
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

const LOGIN_ROLE = POSTGRESQL_ACCESS_TYPES["login-role"];

function isTempgrantAccess(type: string): boolean {
  return type === LOGIN_ROLE || type === POSTGRESQL_ACCESS_TYPES.membership;
}

/**
 * Flags too wide that the scope policy's own list leaves out, as `wide` entries in its words:
 * CREATEDB (a database of one's own, and every object in it, outlives the grant).
 */
function flagsWide(flags: readonly string[]): string[] {
  return flags.includes("create_database") ? ["the create_database flag"] : [];
}

/**
 * Privileges that leave the grantee's code behind, running for others: CREATE on a schema or
 * database (what the grantee creates there is its own and outlives the grant, since dropping
 * the role does not drop it: a function in a schema on their search_path, `public` by default,
 * or a schema named after a role, first in that role's search_path `"$user"`), and TRIGGER
 * on tables (a trigger runs its function as whoever writes the table, and stays). `scope.allow`
 * is the reviewed way past.
 */
function ownCodeWide(values: Record<string, unknown>): string[] {
  const kind = typeof values.object_type === "string" ? values.object_type.trim().toLowerCase() : "";
  const holds = (name: string) =>
    strings(values.privileges).some((privilege) => privilege.replace(/\s/gu, "").toUpperCase() === name);
  if (kind === "schema" && holds("CREATE"))
    return [
      `CREATE on the schema ${JSON.stringify(values.schema ?? null)} (what the grantee creates there outlives the grant, and runs for roles whose search_path holds it)`,
    ];
  if (kind === "database" && holds("CREATE"))
    return [
      `CREATE on the database ${JSON.stringify(values.database ?? null)} (schemas the grantee creates there outlive the grant; one named after a role comes first in its search_path)`,
    ];
  if (kind === "table" && holds("TRIGGER"))
    return [
      `TRIGGER on tables of the schema ${JSON.stringify(values.schema ?? null)} (a trigger the grantee adds runs its function as whoever writes the table, and outlives the grant)`,
    ];
  return [];
}

/** `PUBLIC` (any case) as the grantee: every role of the server, now and later. */
function publicWide(role: unknown): string[] {
  return typeof role === "string" && role.trim().toLowerCase() === "public"
    ? [`every role (the grantee ${JSON.stringify(role)} is PUBLIC)`]
    : [];
}

function isGrantType(type: string): boolean {
  return type.startsWith("postgresql_grant") || type === "postgresql_default_privileges";
}

/**
 * PostgreSQL's resources in a plan: tempgrant's provider's access roles and cyrilgdn's
 * roles, grants and default privileges. Roles are read for their memberships and flags,
 * grants for their privileges; `VALID UNTIL` is the native expiry of a login role.
 */
export const postgresqlReaders: PlanReaders = {
  reads: (type) => isTempgrantAccess(type) || type === "postgresql_role" || isGrantType(type),
  privilegedTypes: [
    "tempgrant_postgresql_*",
    "postgresql_grant*",
    "postgresql_role",
    "postgresql_default_privileges",
  ],
  privilegedByContent: () => false,
  scope(type, values): GrantedScope | undefined {
    if (isTempgrantAccess(type)) {
      const flags = Object.entries(TEMPGRANT_ROLE_FLAGS)
        .filter(([attribute]) => isSet(values[attribute]))
        .map(([, flag]) => flag);
      return withWide({ privileges: [], roles: strings(values.member_of), flags }, flagsWide(flags));
    }
    if (type === "postgresql_role") {
      const flags = ROLE_FLAGS.filter((flag) => isSet(values[flag]));
      return withWide({ privileges: [], roles: strings(values.roles), flags }, flagsWide(flags));
    }
    if (isGrantType(type)) {
      // WITH ADMIN OPTION on a membership is GRANT OPTION on a privilege: the holder passes it on.
      const flags = grantOption(values);
      if (isSet(values.with_admin_option) && !flags.includes("grant_option")) flags.push("grant_option");
      return withWide({ privileges: strings(values.privileges), roles: strings(values.grant_role), flags }, [
        ...publicWide(values.role),
        ...ownCodeWide(values),
      ]);
    }
    return undefined;
  },
  scopeAttributes(type) {
    if (isTempgrantAccess(type)) return ["member_of", ...Object.keys(TEMPGRANT_ROLE_FLAGS)];
    if (type === "postgresql_role") return ["roles", ...ROLE_FLAGS];
    if (isGrantType(type)) return ["privileges", "grant_role", "with_grant_option", "with_admin_option"];
    return [];
  },
  nativeExpiry(type, values) {
    if (type === LOGIN_ROLE)
      return typeof values.valid_until === "string" ? instant(values.valid_until) : undefined;
    if (type === "postgresql_role") return parsePostgresTimestamp(values.valid_until);
    return undefined;
  },
  // A login role (tempgrant's provider or cyrilgdn's); membership roles (no login) are not.
  expiryBearing: (type, values) =>
    type === LOGIN_ROLE || (type === "postgresql_role" && values.login === true),
  expiryAttributes: (type) => (type === LOGIN_ROLE || type === "postgresql_role" ? ["valid_until"] : []),
  credentialAttributes: { [LOGIN_ROLE]: "scram_verifier" },
  relations: null,
};

function instant(text: string): number | undefined {
  const parsed = parseTimestamp(text);
  return parsed.ok ? parsed.instant.seconds : undefined;
}
