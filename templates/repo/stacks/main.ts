// The cdktf app. `tempgrant plan`, `apply` and `sweep` run it with one clock for the whole
// run (TEMPGRANT_NOW): a grant that is not active at that instant synthesizes nothing, so
// the next apply removes its access.
import { App, TerraformStack } from "cdktf";
import { configureFromEnvironment, TemporaryGrant, YamlGrants } from "tempgrant";
// import { tempgrantProvider } from "tempgrant";
import { stateBackend } from "./state-backend.js";
import { exampleSystem, TARGETS } from "./targets.js";

const app = new App();
configureFromEnvironment(app);

const stack = new TerraformStack(app, "main");
stateBackend(stack, "main");
// With the PostgreSQL target of targets.ts: the provider reads its connection from PGHOST,
// PGPORT, PGUSER, PGPASSWORD and PGDATABASE, so no credential is synthesized.
// tempgrantProvider(stack, { sslmode: "require" });

// A grant declared in TypeScript: who, what, where, why, approved by whom, until when.
new TemporaryGrant(stack, "alice-example-read", {
  principal: "alice@example.com",
  target: exampleSystem,
  access: "read",
  startsAt: "{{STARTS_AT}}",
  expiresAt: "{{EXPIRES_AT}}",
  reason: "Look into the failed nightly export",
  ticket: "OPS-101",
  requestedBy: "alice@example.com",
  approvedBy: ["bob@example.com"],
});

// Grants declared in YAML: every grants/*.yaml file.
new YamlGrants(stack, "grants", { dir: "grants", targets: TARGETS });

app.synth();
