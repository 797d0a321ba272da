import type pg from "pg";
import { objectName } from "../naming.js";
import { rolesToRevoke, verifyPostgresRevocations } from "./revocation.js";
import { bindingOf, type TargetCheck, type TargetCheckResult } from "../target-check.js";

/**
 * The sweep's check inside PostgreSQL for grants bound to a PostgreSQL target: before the
 * apply it reads the roles' oids, after it ends their open sessions and confirms the roles
 * and their memberships are gone. It connects the way the provider does, through the PG*
 * environment; without PGHOST it fails closed rather than guess a server.
 */
export function postgresTargetCheck(env: NodeJS.ProcessEnv = process.env): TargetCheck {
  return {
    async beforeApply(revoked) {
      const grants = revoked.filter((grant) => bindingOf(grant) === "postgresql");
      if (grants.length === 0) return async () => [];
      if (!env.PGHOST) {
        const results: TargetCheckResult[] = grants.map((grant) => ({
          grant: grant.id,
          method: "postgresql",
          ok: false,
          detail:
            "cannot check the database: set PGHOST (and PGUSER, PGPASSWORD, PGDATABASE) as for the provider",
        }));
        return async () => results;
      }
      // Read while the roles exist: once dropped, their sessions show only the old oid.
      const connection = connectionFrom(env);
      const roles = await rolesToRevoke(
        grants.map((grant) => objectName(grant.id)),
        { connection },
      );
      return async () => {
        const checks = await verifyPostgresRevocations(roles, { connection });
        return grants.map((grant, index): TargetCheckResult => {
          const check = checks[index]!;
          const memberships =
            check.memberships.length > 0 ? `, still member of ${check.memberships.join(", ")}` : "";
          return {
            grant: grant.id,
            method: "postgresql",
            ok: check.ok,
            detail:
              `role ${check.role} ${check.roleExists ? "STILL EXISTS" : "gone"}${memberships}, ` +
              `${check.sessionsEnded} open session(s) ended, ${check.sessionsLeft} left`,
          };
        });
      };
    },
  };
}

/** libpq's environment variables, as the provider reads them (the password never logged). */
function connectionFrom(env: NodeJS.ProcessEnv): pg.ClientConfig {
  return {
    host: env.PGHOST,
    ...(env.PGPORT ? { port: Number(env.PGPORT) } : {}),
    ...(env.PGUSER ? { user: env.PGUSER } : {}),
    ...(env.PGPASSWORD !== undefined ? { password: env.PGPASSWORD } : {}),
    ...(env.PGDATABASE ? { database: env.PGDATABASE } : {}),
    // require and verify-* encrypt; verify-* also checks the certificate. pg has no "prefer".
    ssl: ["require", "verify-ca", "verify-full"].includes(env.PGSSLMODE ?? "")
      ? { rejectUnauthorized: (env.PGSSLMODE ?? "").startsWith("verify") }
      : false,
  };
}
