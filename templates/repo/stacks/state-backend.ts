import { PgBackend, type TerraformStack } from "cdktf";
import { localStateBackend } from "tempgrant";

/**
 * Where a stack's state lives. Sweeps and applies run on CI machines that are thrown away
 * after each job, so there the state must be in a backend with locking:
 *
 * - PG_CONN_STR set: the `pg` backend, in schema `tempgrant_<stack>`. The connection comes
 *   from the environment only (PG_CONN_STR, PGPASSWORD, ...), so no credential is ever
 *   synthesized into cdktf.out.
 * - otherwise, on a workstation: local state in state/<stack>.tfstate, to try things out
 *   (not in cdktf.out/, which every run rewrites; a state an earlier version left in
 *   cdktf.out/stacks/<stack>/ is moved there).
 * - otherwise, on CI (CI is set): an error, rather than state that would be lost.
 *
 * For S3, GCS or Azure, use cdktf's S3Backend, GcsBackend or AzurermBackend here instead.
 */
export function stateBackend(stack: TerraformStack, name: string): void {
  if (process.env.PG_CONN_STR) {
    new PgStateFromEnvironment(stack, `tempgrant_${name.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`);
  } else if (process.env.CI && process.env.CI !== "false") {
    throw new Error(
      `stack ${name}: no state backend on CI, where local state would be lost: set PG_CONN_STR ` +
        "(the pg backend), or configure a backend of your own in stacks/state-backend.ts",
    );
  } else {
    localStateBackend(stack, name);
  }
}

/** The pg backend with only the schema synthesized: tofu reads the connection from PG_CONN_STR. */
class PgStateFromEnvironment extends PgBackend {
  constructor(
    stack: TerraformStack,
    private readonly schema: string,
  ) {
    super(stack, { connStr: "" });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { schema_name: this.schema };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { schema_name: this.schema };
  }
}
