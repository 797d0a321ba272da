import { App, LocalBackend, PgBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { join } from "node:path";
import { PostgresqlProvider } from "@cdktf/provider-postgresql/lib/provider/index.js";
import { Role } from "@cdktf/provider-postgresql/lib/role/index.js";
import { RawResource } from "../src/constructs/index.js";

/** One login role of the smoke stack. */
export interface SmokeRole {
  readonly name: string;
  readonly password: string;
}

/** Props of {@link SmokeStack}. */
export interface SmokeStackProps {
  /** Built-in `terraform_data` resources, by name: need no provider at all. */
  readonly records?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * PostgreSQL login roles (cyrilgdn/postgresql provider). An empty list still declares the
   * provider, so that roles already in state can be destroyed.
   */
  readonly roles?: readonly SmokeRole[];
  /** Keep state in PostgreSQL (the `pg` backend); the password comes from PGPASSWORD. */
  readonly pgBackend?: { readonly connStr: string; readonly schemaName: string };
}

/**
 * The smallest real stack, proving the toolchain end to end: synth, init from the mirror,
 * plan, apply, destroy. Providers and backends take credentials from the PG* environment,
 * so no secret is written into the synthesized configuration.
 */
export class SmokeStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: SmokeStackProps) {
    super(scope, id);
    // cdktf's default local backend writes state beside cdktf.json (the repository root);
    // keep it in the stack's own working directory instead.
    if (props.pgBackend) new PgBackend(this, props.pgBackend);
    else new LocalBackend(this, { path: "terraform.tfstate" });
    for (const [name, input] of Object.entries(props.records ?? {})) {
      new RawResource(this, `record_${name}`, {
        type: "terraform_data",
        name: `record_${name}`,
        attributes: { input },
      });
    }
    if (props.roles) {
      new PostgresqlProvider(this, "postgresql", { sslmode: "disable", superuser: true });
      for (const role of props.roles) {
        new Role(this, `role_${role.name}`, { name: role.name, login: true, password: role.password });
      }
    }
  }
}

/** Synthesizes the smoke stack into `outdir` and returns the stack's working directory. */
export function synthSmokeStack(outdir: string, props: SmokeStackProps): string {
  const app = new App({ outdir });
  new SmokeStack(app, "smoke", props);
  app.synth();
  return join(outdir, "stacks", "smoke");
}
