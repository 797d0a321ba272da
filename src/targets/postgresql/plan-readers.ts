import { parseTimestamp } from "../../grant/time.js";
import { grantOption, strings } from "../scope-values.js";
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
    if (isGrantType(type)) {
      return {
        privileges: strings(values.privileges),
        roles: strings(values.grant_role),
        flags: grantOption(values),
      };
    }
    return undefined;
  },
  scopeAttributes(type) {
    if (isTempgrantAccess(type)) return ["member_of", ...Object.keys(TEMPGRANT_ROLE_FLAGS)];
    if (type === "postgresql_role") return ["roles", ...ROLE_FLAGS];
    if (isGrantType(type)) return ["privileges", "grant_role"];
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
