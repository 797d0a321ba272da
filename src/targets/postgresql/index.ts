import type { TargetModule } from "../target-module.js";
import { PostgresqlBinding, type PostgresqlBindingProps } from "./binding.js";
import { postgresTargetCheck } from "./check.js";
import { postgresqlReaders } from "./plan-readers.js";

/** PostgreSQL: roles through tempgrant's provider, read back with cyrilgdn's types too, checked in the database. */
export const postgresqlTarget: TargetModule<PostgresqlBindingProps> = {
  kind: "postgresql",
  binding: (props) => new PostgresqlBinding(props),
  readers: postgresqlReaders,
  check: postgresTargetCheck,
};

export { POSTGRESQL_ACCESS_TYPES, PostgresqlBinding, type PostgresqlBindingProps } from "./binding.js";
export { postgresTargetCheck } from "./check.js";
export { scramVerifier } from "./scram-verifier.js";
export { formatPostgresTimestamp } from "./timestamp.js";
