import { postgresqlTarget, type PostgresqlBindingProps } from "../../targets/postgresql/index.js";
import type { RawProvider } from "../raw-provider.js";
import { BoundTarget } from "./target-binding.js";

/** Props of {@link PostgresqlTarget}: the database's settings (src/targets/postgresql/), and its provider. */
export interface PostgresqlTargetProps extends PostgresqlBindingProps {
  /** Provider to use, when the stack has several (see `aliasedTempgrantProvider`). */
  readonly provider?: RawProvider;
}

/** Temporary access to a PostgreSQL database through roles, with tempgrant's own provider. */
export class PostgresqlTarget extends BoundTarget {
  constructor(props: PostgresqlTargetProps) {
    const { provider, ...settings } = props;
    super(postgresqlTarget.binding(settings), provider ? { provider } : {});
  }
}
