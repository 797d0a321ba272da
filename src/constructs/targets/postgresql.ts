import type { Construct } from "constructs";
import { formatPostgresTimestamp, type Grant, type Problem } from "../../grant/index.js";
import { objectName, resourceName } from "../naming.js";
import { RawProvider } from "../raw-provider.js";
import { RawResource } from "../raw-resource.js";
import { unknownAccess, type TargetBinding } from "./target-binding.js";

/** The provider release the bindings are written against (the one @cdktf/provider-postgresql 12 pins). */
export const POSTGRESQL_PROVIDER = { source: "cyrilgdn/postgresql", version: "1.26.0" } as const;

/** Props of {@link PostgresqlTarget}. */
export interface PostgresqlTargetProps {
  /** The system's name, which grants use as their `target`. */
  readonly name: string;
  /**
   * How access is given:
   * - `login-role`: a new login role per grant, `VALID UNTIL` its expiry (a native second
   *   lock), member of the privilege role; the grant's `credential` is its SCRAM verifier.
   * - `membership`: an existing user role (the principal) gets a per-grant role that is a
   *   member of the privilege role. PostgreSQL has no expiry on memberships: the sweep is
   *   the only lock.
   */
  readonly mode: "login-role" | "membership";
  /** Access level -> existing privilege role that holds the real privileges (`read: orders_read`). */
  readonly privilegeRoles: Readonly<Record<string, string>>;
  /** `membership` mode: the existing role of a principal. Default: the principal itself. */
  readonly principalRole?: (principal: string) => string;
  /** Provider to use, when the stack has several. */
  readonly provider?: RawProvider;
}

const SCRAM_VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

/** Temporary access to a PostgreSQL database through roles (cyrilgdn/postgresql). */
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
    const meta = this.props.provider ? { provider: this.props.provider } : {};
    const role = new RawResource(scope, "role", {
      type: "postgresql_role",
      name: resourceName(grant.id),
      attributes: {
        name: objectName(grant.id),
        login: this.props.mode === "login-role",
        roles: [privilegeRole],
        ...(this.props.mode === "login-role"
          ? { password: grant.credential, valid_until: formatPostgresTimestamp(grant.expiresAt) }
          : {}),
      },
      ...meta,
    });
    if (this.props.mode === "login-role") return [role];
    const member = new RawResource(scope, "membership", {
      type: "postgresql_grant_role",
      name: resourceName(grant.id, "member"),
      attributes: {
        role: (this.props.principalRole ?? ((principal: string) => principal))(grant.principal),
        grant_role: `\${${role.address}.name}`,
      },
      ...meta,
    });
    return [role, member];
  }
}

/**
 * Declares the cyrilgdn/postgresql provider. Credentials stay in the PG* environment
 * variables (PGHOST, PGUSER, PGPASSWORD, ...), never in the synthesized configuration.
 */
export function postgresqlProvider(
  scope: Construct,
  attributes: Readonly<Record<string, unknown>> = {},
  id = "postgresql",
): RawProvider {
  return new RawProvider(scope, id, {
    type: "postgresql",
    source: POSTGRESQL_PROVIDER.source,
    version: POSTGRESQL_PROVIDER.version,
    attributes: { superuser: false, ...attributes },
  });
}
