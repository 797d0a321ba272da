import { CustomTarget, PostgresqlTarget, type TargetBinding } from "tempgrant";

/**
 * A stand-in system, so that this repository plans and applies before it is connected to
 * anything: each grant becomes a built-in `terraform_data` that records who has which
 * access. It needs no credentials. Replace it with a real target.
 */
export const exampleSystem = new CustomTarget({
  name: "example-system",
  kind: "example",
  accessLevels: ["read", "write", "admin"],
  resources: (grant) => [
    {
      type: "terraform_data",
      suffix: "access",
      attributes: { input: { principal: grant.principal, access: grant.access } },
    },
  ],
});

/**
 * A real target: a PostgreSQL database where each grant gets a login role of its own,
 * `VALID UNTIL` its expiry (the database's own lock, behind the scheduled sweep), member of
 * the role that holds the privileges. Grants on it set `credential` to the grantee's
 * SCRAM-SHA-256 verifier, never a password. To use it: add it to TARGETS, call
 * `tempgrantProvider(stack, { sslmode: "require" })` in main.ts; tempgrant's own provider
 * (built by `tempgrant toolchain`) creates the roles, connecting through the PG* environment.
 */
export const ordersDb = new PostgresqlTarget({
  name: "orders-db",
  mode: "login-role",
  privilegeRoles: { read: "orders_read", write: "orders_write" },
});

/** Every target that grants/*.yaml may name in `target`. */
export const TARGETS: TargetBinding[] = [exampleSystem];
