import { App, LocalBackend, PgBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { join } from "node:path";
import { RawResource } from "../src/constructs/index.js";

/** Props of {@link SmokeStack}. */
export interface SmokeStackProps {
  /** Built-in `terraform_data` resources, by name: need no provider at all. */
  readonly records?: Readonly<Record<string, Readonly<Record<string, string>>>>;
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
  }
}

/** Synthesizes the smoke stack into `outdir` and returns the stack's working directory. */
export function synthSmokeStack(outdir: string, props: SmokeStackProps): string {
  const app = new App({ outdir });
  new SmokeStack(app, "smoke", props);
  app.synth();
  return join(outdir, "stacks", "smoke");
}
