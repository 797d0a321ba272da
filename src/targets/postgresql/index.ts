import { bindingOf, type TargetCheck } from "../target-check.js";
import type { TargetModule } from "../target-module.js";
import { PostgresqlBinding, type PostgresqlBindingProps } from "./binding.js";
import { postgresqlReaders } from "./plan-readers.js";

/**
 * The check inside the database, loaded only when a revoked grant is on PostgreSQL: its client
 * library is a tenth of the sweep's own start-up, most sweeps revoke nothing there, and the
 * check (which reads the plan through this module's readers) never needs it.
 */
function lazyPostgresTargetCheck(env: NodeJS.ProcessEnv): TargetCheck {
  return {
    async beforeApply(revoked) {
      if (!revoked.some((grant) => bindingOf(grant) === "postgresql")) return async () => [];
      const { postgresTargetCheck } = await import("./check.js");
      return postgresTargetCheck(env).beforeApply(revoked);
    },
  };
}

/** PostgreSQL: roles through tempgrant's provider, read back with cyrilgdn's types too, checked in the database. */
export const postgresqlTarget: TargetModule<PostgresqlBindingProps> = {
  kind: "postgresql",
  binding: (props) => new PostgresqlBinding(props),
  readers: postgresqlReaders,
  check: lazyPostgresTargetCheck,
};

export { POSTGRESQL_ACCESS_TYPES, PostgresqlBinding, type PostgresqlBindingProps } from "./binding.js";
export { scramVerifier } from "./scram-verifier.js";
export { formatPostgresTimestamp } from "./timestamp.js";
