import type { Grant, Problem } from "../../grant/index.js";
import { formatTimestamp } from "../../grant/time.js";
import { objectName, resourceName } from "../naming.js";
import { AccessLevelBinding, type ResourceData } from "../target-module.js";

/** The access resource types of tempgrant's provider, per mode of the PostgreSQL target. */
export const POSTGRESQL_ACCESS_TYPES = {
  "login-role": "tempgrant_postgresql_login_role",
  membership: "tempgrant_postgresql_membership",
} as const;

/** Settings of one PostgreSQL database as a target. */
export interface PostgresqlBindingProps {
  /** The system's name, which grants use as their `target`. */
  readonly name: string;
  /**
   * How access is given:
   * - `login-role`: a new login role per grant, `VALID UNTIL` its expiry (a native second
   *   lock), member of the privilege role; the grant's `credential` is its SCRAM verifier.
   * - `membership`: an existing user role (the principal) becomes a member of a per-grant
   *   role that is a member of the privilege role. PostgreSQL has no expiry on memberships:
   *   the sweep is the only lock there.
   */
  readonly mode: "login-role" | "membership";
  /** Access level -> existing privilege role that holds the real privileges (`read: orders_read`). */
  readonly privilegeRoles: Readonly<Record<string, string>>;
  /** `membership` mode: the existing role of a principal. Default: the principal itself. */
  readonly principalRole?: (principal: string) => string;
  /** Objects a grantee created are given to this role when the grant ends; default the provider's user. */
  readonly reassignOwnedTo?: string;
}

const SCRAM_VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

/** Temporary access to a PostgreSQL database through roles, with tempgrant's own provider. */
export class PostgresqlBinding extends AccessLevelBinding<PostgresqlBindingProps> {
  readonly kind = "postgresql";
  readonly nativeExpiry: boolean;

  constructor(props: PostgresqlBindingProps) {
    super(props, (settings) => Object.keys(settings.privilegeRoles));
    this.nativeExpiry = props.mode === "login-role";
  }

  override validate(grant: Grant): Problem[] {
    const problems = super.validate(grant);
    if (this.props.mode === "login-role" && !SCRAM_VERIFIER.test(grant.credential ?? "")) {
      problems.push({
        path: "credential",
        code: "CREDENTIAL_MISSING",
        message:
          `target ${this.name} creates login roles: set credential to the grantee's SCRAM-SHA-256 ` +
          "verifier (never a plain password)",
      });
    }
    return problems;
  }

  resources(grant: Grant): ResourceData[] {
    const privilegeRole = this.props.privilegeRoles[grant.access] ?? grant.access;
    const common = {
      name: objectName(grant.id),
      member_of: [privilegeRole],
      ...(this.props.reassignOwnedTo ? { reassign_owned_to: this.props.reassignOwnedTo } : {}),
    };
    if (this.props.mode === "login-role") {
      return [
        {
          part: "role",
          type: POSTGRESQL_ACCESS_TYPES["login-role"],
          name: resourceName(grant.id),
          attributes: {
            ...common,
            valid_until: formatTimestamp(grant.expiresAt),
            scram_verifier: grant.credential,
          },
        },
      ];
    }
    return [
      {
        part: "membership",
        type: POSTGRESQL_ACCESS_TYPES.membership,
        name: resourceName(grant.id),
        attributes: {
          ...common,
          member: (this.props.principalRole ?? ((principal: string) => principal))(grant.principal),
        },
      },
    ];
  }
}
