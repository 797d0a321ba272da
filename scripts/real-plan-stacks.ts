// The stacks `npm run fixtures:plans` plans with real tofu to make test/fixtures/real-plans/:
// plain HCL, one folder each, covering what plans from the field hold (modules, count and
// for_each, moved blocks, sensitive and unknown values, updates and removals) and grants
// through tempgrant's provider. Each says the verdict its final plan must get: the test
// compares the real check with it, so a change in what the checker sees shows up there.
import { formatTimestamp } from "../src/grant/index.js";
import { scramVerifier } from "../src/targets/postgresql/scram-verifier.js";

/** The verdict a plan must get from `tempgrant check` with the default limits. */
export interface ExpectedVerdict {
  readonly passed: boolean;
  /** The distinct rule ids that deny, sorted. */
  readonly deny: readonly string[];
  /** The distinct rule ids that warn, sorted. */
  readonly warn: readonly string[];
}

/** One stack: configurations applied in turn, the last one planned (not applied) and kept. */
export interface FixtureStack {
  readonly name: string;
  /** What the plan shows; written beside the verdict. */
  readonly about: string;
  /** Each step's files (name to HCL); every step but the last is applied. */
  readonly steps: readonly Readonly<Record<string, string>>[];
  /** Plans and applies against the throwaway PostgreSQL (tempgrant's provider creates roles). */
  readonly postgres: boolean;
  readonly expected: ExpectedVerdict;
}

const HOUR = 3_600;

const TEMPGRANT_PROVIDER = `terraform {
  required_providers {
    tempgrant = { source = "tempgrant/tempgrant" }
  }
}

# The connection comes from the PG* environment, so no host or port is in the plan.
provider "tempgrant" {}
`;

interface GrantSpec {
  readonly name: string;
  readonly principal: string;
  readonly requestedBy: string;
  readonly approvedBy: readonly string[];
  readonly expiresAt: number;
  readonly privilegeRole: string;
}

/** A grant record and the login role it owns, as tempgrant's synthesizer writes them. */
function grantHcl(grant: GrantSpec): string {
  const id = grant.name.replaceAll("_", "-");
  // A fixed salt: the plan's bytes do not change from one generation to the next for it.
  const verifier = scramVerifier(`password of ${grant.name}`, { salt: Buffer.alloc(16, 7) });
  return `
resource "tempgrant_grant" "${grant.name}" {
  grant_id      = "${id}"
  principal     = "${grant.principal}"
  target        = "orders-db"
  access        = "read"
  reason        = "reconcile the January ledger"
  requested_by  = "${grant.requestedBy}"
  binding       = "postgresql"
  ticket        = "FIN-12"
  expires_at    = "${formatTimestamp(grant.expiresAt)}"
  approved_by   = ${JSON.stringify(grant.approvedBy)}
  break_glass   = false
  native_expiry = true
  resources     = ["tempgrant_postgresql_login_role.${grant.name}"]
}

resource "tempgrant_postgresql_login_role" "${grant.name}" {
  name           = "tg_${grant.name}"
  valid_until    = "${formatTimestamp(grant.expiresAt)}"
  scram_verifier = "${verifier}"
  member_of      = ["${grant.privilegeRole}"]
  depends_on     = [tempgrant_grant.${grant.name}]
}
`;
}

const MODULE = `variable "label" {
  type = string
}

resource "terraform_data" "item" {
  input = var.label
}

output "id" {
  value = terraform_data.item.id
}
`;

/** The stacks, with grants that expire `now` + 8 hours (the provider refuses ended windows). */
export function fixtureStacks(now: number): FixtureStack[] {
  const expires = now + 8 * HOUR;
  const alice = (overrides: Partial<GrantSpec> = {}): GrantSpec => ({
    name: "alice_orders_read",
    principal: "alice@example.com",
    requestedBy: "alice@example.com",
    approvedBy: ["bob@example.com"],
    expiresAt: expires,
    privilegeRole: "pg_read_all_data",
    ...overrides,
  });
  const carol = (overrides: Partial<GrantSpec> = {}): GrantSpec =>
    alice({
      name: "carol_orders_read",
      principal: "carol@example.com",
      requestedBy: "carol@example.com",
      ...overrides,
    });
  return [
    {
      name: "modules-count-for-each",
      about: "nested local modules, count and for_each over terraform_data; no access, nothing to deny",
      postgres: false,
      steps: [
        {
          "main.tf": `module "app" {
  source = "./modules/app"
  label  = "app"
}

module "per_team" {
  source   = "./modules/app"
  for_each = toset(["payments", "orders"])
  label    = each.key
}

resource "terraform_data" "replica" {
  count = 2
  input = "replica-\${count.index}"
}

output "app_id" {
  value = module.app.id
}
`,
          "modules/app/main.tf": `${MODULE}
module "inner" {
  source = "../inner"
  label  = "\${var.label}-inner"
}
`,
          "modules/inner/main.tf": MODULE,
        },
      ],
      expected: { passed: true, deny: [], warn: [] },
    },
    {
      name: "moved-blocks",
      about: "a resource and a module instance moved to new addresses after an apply (no-op moves)",
      postgres: false,
      steps: [
        {
          "main.tf": `resource "terraform_data" "old_name" {
  input = "kept"
}

resource "terraform_data" "counted" {
  count = 1
  input = "first"
}
`,
        },
        {
          "main.tf": `resource "terraform_data" "new_name" {
  input = "kept"
}

moved {
  from = terraform_data.old_name
  to   = terraform_data.new_name
}

resource "terraform_data" "counted" {
  for_each = toset(["first"])
  input    = each.key
}

moved {
  from = terraform_data.counted[0]
  to   = terraform_data.counted["first"]
}
`,
        },
      ],
      expected: { passed: true, deny: [], warn: [] },
    },
    {
      name: "sensitive-and-unknown",
      about: "a sensitive variable and output, and values known only after apply",
      postgres: false,
      steps: [
        {
          "main.tf": `variable "token" {
  type      = string
  sensitive = true
  default   = "not-a-real-secret"
}

resource "terraform_data" "secret" {
  input = var.token
}

resource "terraform_data" "follows" {
  input = terraform_data.secret.id
}

output "secret" {
  value     = terraform_data.secret.output
  sensitive = true
}
`,
        },
      ],
      expected: { passed: true, deny: [], warn: [] },
    },
    {
      name: "postgresql-grants",
      about:
        "two grants through tempgrant's provider (a record and a login role each): one approved by " +
        "someone else, one approved by its own requester",
      postgres: true,
      steps: [
        {
          "main.tf":
            TEMPGRANT_PROVIDER + grantHcl(alice()) + grantHcl(carol({ approvedBy: ["carol@example.com"] })),
        },
      ],
      // Checked as a plan on its own, with no approval evidence: every typed approver is denied
      // (approvals/evidence-verified), so neither grant reaches its minimum of approvers.
      expected: {
        passed: false,
        deny: ["approvals/evidence-verified", "approvals/min-approvers"],
        warn: [],
      },
    },
    {
      name: "postgresql-standing-access",
      about: "a login role created through tempgrant's provider with no grant record owning it",
      postgres: true,
      steps: [
        {
          "main.tf": `${TEMPGRANT_PROVIDER}
resource "tempgrant_postgresql_login_role" "standing" {
  name           = "tg_standing"
  valid_until    = "${formatTimestamp(expires)}"
  scram_verifier = "${scramVerifier("standing", { salt: Buffer.alloc(16, 9) })}"
  member_of      = ["pg_read_all_data"]
}
`,
        },
      ],
      expected: { passed: false, deny: ["unmanaged/privileged-without-grant"], warn: [] },
    },
    {
      name: "postgresql-updates-and-removals",
      about:
        "after an apply of two grants: one extended with the same approval, one removed, and a " +
        "terraform_data updated in place while another is destroyed",
      postgres: true,
      steps: [
        {
          "main.tf": `${TEMPGRANT_PROVIDER}${grantHcl(alice())}${grantHcl(carol())}
resource "terraform_data" "note" {
  input = "v1"
}

resource "terraform_data" "gone" {
  input = "bye"
}
`,
        },
        {
          "main.tf": `${TEMPGRANT_PROVIDER}${grantHcl(alice({ expiresAt: expires + 4 * HOUR }))}
resource "terraform_data" "note" {
  input = "v2"
}
`,
        },
      ],
      // Removing carol's grant is always allowed; pushing alice's expiry later is not, and
      // with no approval evidence given, nobody approved the new content.
      expected: {
        passed: false,
        deny: ["approvals/evidence-verified", "approvals/min-approvers", "extension/fresh-approval"],
        warn: [],
      },
    },
  ];
}
