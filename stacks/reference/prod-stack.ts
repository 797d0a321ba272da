import { LocalBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { fileURLToPath } from "node:url";
import { tempgrantProvider, YamlGrants } from "../../src/constructs/index.js";
import { declarePaymentsGrants } from "./payments-team.js";
import { REFERENCE_TARGETS } from "./targets.js";

/** The reference grants folder (YAML, data team). */
export const REFERENCE_GRANTS_DIR = fileURLToPath(new URL("../grants", import.meta.url));

/** Props of {@link ProdStack}. */
export interface ProdStackProps {
  /** Folder of YAML grants; default the reference one. */
  readonly grantsDir?: string;
}

/**
 * The production stack: two teams' grants on the orders database, one in TypeScript, one in
 * YAML. The provider reads its connection (PGHOST, PGUSER, PGPASSWORD, ...) from the
 * environment, so no credential is ever synthesized.
 */
export class ProdStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ProdStackProps = {}) {
    super(scope, id);
    new LocalBackend(this, { path: "terraform.tfstate" });
    tempgrantProvider(this, { sslmode: "disable" });
    declarePaymentsGrants(this);
    new YamlGrants(this, "data-team", {
      dir: props.grantsDir ?? REFERENCE_GRANTS_DIR,
      targets: REFERENCE_TARGETS,
    });
  }
}
