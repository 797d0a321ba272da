import type { Construct } from "constructs";
import { formatTimestamp, type Grant, type Problem } from "../../grant/index.js";
import { objectName, resourceName } from "../naming.js";
import type { RawProvider } from "../raw-provider.js";
import { RawResource } from "../raw-resource.js";
import { unknownAccess, type TargetBinding } from "./target-binding.js";

/** The access resource types of tempgrant's provider, per mode of the PostgreSQL target. */
export const POSTGRESQL_ACCESS_TYPES = {
  "login-role": "tempgrant_postgresql_login_role",
  membership: "tempgrant_postgresql_membership",
} as const;

/** Props of {@link PostgresqlTarget}. */
export interface PostgresqlTargetProps {
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
  /** Provider to use, when the stack has several (see `aliasedTempgrantProvider`). */
  readonly provider?: RawProvider;
}

const SCRAM_VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

/** Temporary access to a PostgreSQL database through roles, with tempgrant's own provider. */
export class PostgresqlTarget implements TargetBinding {
  readonly kind = "postgresql";
  readonly name: string;
  readonly nativeExpiry: boolean;

  constructor(private readonly props: PostgresqlTargetProps) {
    this.name = props.name;
    this.nativeExpiry = props.mode === "login-role";
  }

  validate(grant: Grant): Problem[] {
    const problems: Problem[] = [];
    const known = Object.keys(this.props.privilegeRoles);
    if (!known.includes(grant.access)) problems.push(unknownAccess(this, grant.access, known));
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

  bind(scope: Construct, grant: Grant): RawResource[] {
    const privilegeRole = this.props.privilegeRoles[grant.access] ?? grant.access;
    const common = {
      name: objectName(grant.id),
      member_of: [privilegeRole],
      ...(this.props.reassignOwnedTo ? { reassign_owned_to: this.props.reassignOwnedTo } : {}),
    };
    const meta = this.props.provider ? { provider: this.props.provider } : {};
    if (this.props.mode === "login-role") {
      return [
        new RawResource(scope, "role", {
          type: POSTGRESQL_ACCESS_TYPES["login-role"],
          name: resourceName(grant.id),
          attributes: {
            ...common,
            valid_until: formatTimestamp(grant.expiresAt),
            scram_verifier: grant.credential,
          },
          ...meta,
        }),
      ];
    }
    return [
      new RawResource(scope, "membership", {
        type: POSTGRESQL_ACCESS_TYPES.membership,
        name: resourceName(grant.id),
        attributes: {
          ...common,
          member: (this.props.principalRole ?? ((principal: string) => principal))(grant.principal),
        },
        ...meta,
      }),
    ];
  }
}
