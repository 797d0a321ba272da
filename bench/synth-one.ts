// One synthesis run, in its own process so peak RSS is its own: prints one JSON line.
// Usage: node --import tsx bench/synth-one.ts <grants|plain|plain-validated> <count>
// plain: the same resources written as plain cdktf resources, validations skipped: per grant
// the login role and the tempgrant_grant record of our provider with the same attributes
// (the record's digest a sha256 of the grant's fields, as a hand-written stack would make it).
// plain-validated: the same, with cdktf's default validations on.
import { createHash } from "node:crypto";
import { App, LocalBackend, TerraformProvider, TerraformResource, TerraformStack } from "cdktf";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  tempgrantProvider,
  PostgresqlTarget,
  setGrantClock,
  TemporaryGrant,
} from "../src/constructs/index.js";

/** A resource as plain cdktf writes one without generated bindings. */
class PlainResource extends TerraformResource {
  constructor(
    scope: TerraformStack,
    id: string,
    type: string,
    private readonly attributes: Record<string, unknown>,
  ) {
    super(scope, id, { terraformResourceType: type });
  }
  protected override synthesizeAttributes(): Record<string, unknown> {
    return this.attributes;
  }
}

const [mode, countText] = process.argv.slice(2);
const count = Number(countText);
if (!["grants", "plain", "plain-validated"].includes(mode ?? "") || !Number.isInteger(count) || count <= 0) {
  console.error("usage: synth-one.ts <grants|plain|plain-validated> <count>");
  process.exit(2);
}

const VERIFIER =
  "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5c3RvcmVrZXk=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5c2VydmVrZXk=";
const now = Date.UTC(2027, 0, 11, 12) / 1000;
const outdir = mkdtempSync(join(tmpdir(), `tempgrant-bench-${mode}-`));
const started = process.hrtime.bigint();

const app = new App({ outdir, skipValidation: mode === "plain" });
setGrantClock(app, { now });
const stack = new TerraformStack(app, "bench");
new LocalBackend(stack, { path: "terraform.tfstate" });
if (mode === "grants") {
  const target = new PostgresqlTarget({
    name: "orders-db",
    mode: "login-role",
    privilegeRoles: { read: "orders_read" },
  });
  tempgrantProvider(stack);
  for (let index = 0; index < count; index += 1) {
    new TemporaryGrant(stack, `user-${index}`, {
      principal: `user${index}@example.com`,
      target,
      access: "read",
      expiresAt: "2027-01-12T12:00:00Z",
      reason: "benchmark",
      ticket: `BENCH-${index}`,
      requestedBy: `user${index}@example.com`,
      approvedBy: ["approver@example.com"],
      credential: VERIFIER,
    });
  }
} else {
  // The same resources (a login role and a record per grant), written with plain cdktf.
  new (class extends TerraformProvider {})(stack, "tempgrant", {
    terraformResourceType: "tempgrant",
    terraformProviderSource: "tempgrant/tempgrant",
  });
  for (let index = 0; index < count; index += 1) {
    const record = {
      grant_id: `user-${index}`,
      principal: `user${index}@example.com`,
      target: "orders-db",
      access: "read",
      expires_at: "2027-01-12T12:00:00Z",
      reason: "benchmark",
      ticket: `BENCH-${index}`,
      requested_by: `user${index}@example.com`,
      approved_by: ["approver@example.com"],
      break_glass: false,
      binding: "postgresql",
      native_expiry: true,
      resources: [`tempgrant_postgresql_login_role.grant_user_${index}`],
    };
    const digest = `sha256:${createHash("sha256").update(JSON.stringify(record)).digest("hex")}`;
    new PlainResource(stack, `grant_user_${index}_record`, "tempgrant_grant", { ...record, digest });
    new PlainResource(stack, `grant_user_${index}_role`, "tempgrant_postgresql_login_role", {
      name: `tg_user_${index}`,
      member_of: ["orders_read"],
      scram_verifier: VERIFIER,
      valid_until: "2027-01-12T12:00:00Z",
      depends_on: [`tempgrant_grant.grant_user_${index}_record`],
    });
  }
}
app.synth();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const bytes = statSync(join(outdir, "stacks", "bench", "cdk.tf.json")).size;
rmSync(outdir, { recursive: true, force: true });
console.log(
  JSON.stringify({ mode, count, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, bytes }),
);
