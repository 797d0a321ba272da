import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalBackend, TerraformStack } from "cdktf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesize, TemporaryGrant, type TemporaryGrantProps } from "../../src/constructs/index.js";
import { builtinTarget } from "../support/builtin-grants.js";
import {
  formatTimestamp,
  GRANT_RECORD_MARKER,
  grantRecordAttributes,
  type GrantRecord,
} from "../../src/grant/index.js";
import { askedApproversSign } from "../support/approve-grants.js";
import { checkPlanShape, toPolicyInput } from "../../src/plan/index.js";
import { loadPolicyEngine, resolveConfig, type PolicyEngine } from "../../src/policy/index.js";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../../src/runner/index.js";

// Attempts to get access past the policies. The grant-record ones run through real tofu
// plans; the resource ones use plan documents shaped exactly as `tofu show -json` writes them.
const config = resolveConfig({
  approvals: { aliases: { "a.smith": "alice@example.com", al: "alice@example.com" } },
});
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await loadPolicyEngine(config.policy);
});

// Every approver a record asks for signs its current digest, unless a test says otherwise.
const signing = (options: Parameters<typeof askedApproversSign>[0] = {}) =>
  askedApproversSign({ aliases: config.policy.approvals.aliases, ...options });
/** What an approver who signed the old content but not the new one leaves: no evidence over the new digest. */
const UNAPPROVED = ["approvals/evidence-verified", "approvals/min-approvers", "extension/fresh-approval"];
const rulesOf = async (doc: unknown, approvals = signing()): Promise<string[]> => {
  const verdicts = await engine.evaluate(
    toPolicyInput(checkPlanShape(doc, "test"), {
      fallbackNow: now(),
      aliases: config.policy.approvals.aliases,
      approvals,
    }),
  );
  return [...new Set(verdicts.deny.map((v) => v.rule))].sort();
};
const now = () => Math.floor(Date.now() / 1000);

const target = builtinTarget;

describe("bypass attempts through real tofu plans", () => {
  const outdir = mkdtempSync(join(tmpdir(), "tempgrant-bypass-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const t0 = now() + 60;
  const base: TemporaryGrantProps = {
    principal: "alice@example.com",
    target,
    access: "read",
    expiresAt: formatTimestamp(t0 + 3_600),
    reason: "investigate INC-42 refunds",
    ticket: "INC-42",
    requestedBy: "alice@example.com",
    approvedBy: ["bob@example.com"],
  };
  let workspace: Workspace | undefined;

  async function planOf(grants: Record<string, TemporaryGrantProps>, applyIt = false): Promise<unknown> {
    const stacks = synthesize({
      outdir,
      now: t0,
      declare: (app) => {
        const stack = new TerraformStack(app, "bypass");
        new LocalBackend(stack, { path: "terraform.tfstate" });
        for (const [id, props] of Object.entries(grants)) new TemporaryGrant(stack, id, props);
      },
    });
    if (!workspace) {
      workspace = { engine: resolveEngine(), workingDir: stacks.bypass ?? "", lockTimeout: "30s" };
      await init(workspace);
    }
    const result = await plan(workspace, { out: "bypass.tfplan" });
    const doc = await showJson(workspace, result.planFile);
    if (applyIt) await apply(workspace, result.planFile);
    return doc;
  }

  it("passes a well-formed grant", async () => {
    expect(await rulesOf(await planOf({ "alice-read": base }))).toEqual([]);
  });

  it("denies self-approval in every spelling of the requester", async () => {
    for (const approver of [
      "alice@example.com",
      "ALICE@EXAMPLE.COM",
      "  Alice@Example.com ",
      "a.smith",
      "AL",
    ]) {
      const rules = await rulesOf(await planOf({ "alice-read": { ...base, approvedBy: [approver] } }));
      expect([approver, rules]).toEqual([
        approver,
        ["approvals/min-approvers", "approvals/no-self-approval"],
      ]);
    }
  });

  it("denies extending expiresAt without a fresh approval, and allows it with one", async () => {
    await planOf({ "alice-read": base }, true);
    const later = formatTimestamp(t0 + 7_200);
    const extended = await planOf({ "alice-read": { ...base, expiresAt: later } });
    expect(await rulesOf(extended, signing({ except: ["bob@example.com"] }))).toEqual(UNAPPROVED);
    // The same approver may approve the extension: their signature is over the new content.
    expect(await rulesOf(extended)).toEqual([]);
    expect(
      await rulesOf(
        await planOf({
          "alice-read": { ...base, expiresAt: later, approvedBy: ["bob@example.com", "carol@example.com"] },
        }),
      ),
    ).toEqual([]);
  });

  it("denies renaming a grant to restart its clock", async () => {
    await planOf({ "alice-read": base }, true);
    const renamed = { ...base, expiresAt: formatTimestamp(t0 + 7_200) };
    expect(
      await rulesOf(await planOf({ "alice-read-again": renamed }), signing({ except: ["bob@example.com"] })),
    ).toEqual(UNAPPROVED);
  });
});

/**
 * How a plan spells a grant record and the login role it owns: tempgrant's provider
 * (`tempgrant_grant`, `tempgrant_postgresql_login_role`), or the legacy shapes old states still
 * hold (a `terraform_data` whose input is the record, cyrilgdn's `postgresql_role`).
 */
interface PlanShape {
  readonly name: string;
  readonly recordType: string;
  /** The record resource's values (`after` or `before`). */
  readonly recordValues: (record: GrantRecord) => object;
  /** A created record whose expiry is known only after apply: its `after` and `after_unknown`. */
  readonly unknownExpiry: (record: GrantRecord) => { after: object; afterUnknown: object };
  readonly roleType: string;
  /** The login role's planned values, VALID UNTIL at `expiresAt` (epoch seconds). */
  readonly roleValues: (expiresAt: number) => Record<string, unknown>;
  /** Another VALID UNTIL, in the spelling of the role type. */
  readonly validUntil: (epochSeconds: number) => string;
  /** Role attributes that give everything away, each on its own. */
  readonly wide: readonly object[];
}

const SHAPES: readonly PlanShape[] = [
  {
    name: "tempgrant's provider",
    recordType: "tempgrant_grant",
    recordValues: (record) => ({
      id: record.id,
      starts_at: null,
      ticket: null,
      ...grantRecordAttributes(record),
    }),
    unknownExpiry: (record) => {
      const known: Record<string, unknown> = {
        id: record.id,
        starts_at: null,
        ...grantRecordAttributes(record),
      };
      delete known.expires_at;
      return { after: known, afterUnknown: { expires_at: true } };
    },
    roleType: "tempgrant_postgresql_login_role",
    roleValues: (expiresAt) => ({
      name: "tg_alice_read",
      member_of: ["orders_read"],
      valid_until: formatTimestamp(expiresAt),
      scram_verifier: "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy",
      reassign_owned_to: null,
      superuser: false,
      create_role: false,
      create_db: false,
      bypass_rls: false,
      replication: false,
    }),
    validUntil: (epochSeconds) => formatTimestamp(epochSeconds),
    wide: [
      { superuser: true },
      { member_of: ["cluster-admin"] },
      { create_role: true },
      { replication: true },
    ],
  },
  {
    name: "legacy terraform_data records",
    recordType: "terraform_data",
    recordValues: (record) => ({ input: record }),
    unknownExpiry: (record) => ({
      after: { input: { ...record, expiresAt: undefined } },
      afterUnknown: { input: { expiresAt: true } },
    }),
    roleType: "postgresql_role",
    roleValues: (expiresAt) => ({
      name: "tg_alice_read",
      login: true,
      roles: ["orders_read"],
      valid_until: `${formatTimestamp(expiresAt).slice(0, 19).replace("T", " ")}+00`,
    }),
    validUntil: (epochSeconds) => `${formatTimestamp(epochSeconds).slice(0, 19).replace("T", " ")}+00`,
    wide: [{ superuser: true }, { roles: ["cluster-admin"] }, { bypass_row_level_security: true }],
  },
];

describe.each(SHAPES)("bypass attempts through resources beside the grants ($name)", (shape) => {
  const t = now() + 60;
  const roleAddress = `${shape.roleType}.grant_alice_read`;
  const record: GrantRecord = {
    tempgrant: GRANT_RECORD_MARKER,
    id: "alice-read",
    principal: "alice@example.com",
    target: "orders-db",
    access: "read",
    expiresAt: formatTimestamp(t + 3_600),
    reason: "investigate INC-42 refunds",
    ticket: "INC-42",
    requestedBy: "alice@example.com",
    approvedBy: ["bob@example.com"],
    breakGlass: false,
    binding: "postgresql",
    nativeExpiry: true,
    resources: [roleAddress],
  };
  const change = (address: string, type: string, after: object) => ({
    address,
    mode: "managed",
    type,
    name: address.split(".")[1],
    change: { actions: ["create"], before: null, after, after_unknown: {} },
  });
  const recordChange = (address: string, grant: GrantRecord) =>
    change(address, shape.recordType, shape.recordValues(grant));
  const doc = (...changes: object[]) => ({
    format_version: "1.2",
    timestamp: formatTimestamp(t),
    planned_values: {},
    resource_changes: [recordChange(`${shape.recordType}.grant_alice_read`, record), ...changes],
  });
  const role = (extra: object) =>
    change(roleAddress, shape.roleType, { ...shape.roleValues(t + 3_600), ...extra });

  it("reads the record and the role it owns from the plan", () => {
    const input = toPolicyInput(checkPlanShape(doc(role({})), "test"), { fallbackNow: t, aliases: {} });
    expect(input.grants).toMatchObject([
      {
        id: "alice-read",
        address: `${shape.recordType}.grant_alice_read`,
        action: "create",
        unknownExpiry: false,
        after: { expiresAt: t + 3_600, resources: [roleAddress], principal: "alice@example.com" },
        owned: [{ address: roleAddress }],
      },
    ]);
    // The record is a resource too, but no access: not privileged, owned by nobody.
    expect(input.resources).toMatchObject([
      { address: `${shape.recordType}.grant_alice_read`, owner: null, privileged: false },
      {
        address: roleAddress,
        owner: "alice-read",
        privileged: true,
        expiryBearing: true,
        nativeExpiry: t + 3_600,
      },
    ]);
  });

  it("denies a rename whatever characters the principal's name holds", async () => {
    // Names are folded (case, blanks, aliases) before the removed and the created grant are
    // matched: both sides must fold the same way, for any Unicode the name may hold.
    for (const [principal, respelled] of [
      ["İnes@example.com", "İnes@example.com"],
      ["ana\uFEFF@example.com", "ana\uFEFF@example.com"],
      ["ǅemal@example.com", " ǅEMAL@example.com"],
      ["alice@example.com", "A.Smith"],
    ] as const) {
      const old = { ...record, id: "old", principal, requestedBy: principal, resources: [] };
      const renamed = {
        ...old,
        id: "renamed",
        principal: respelled,
        expiresAt: formatTimestamp(t + 7_200),
      };
      const removal = {
        address: `${shape.recordType}.grant_old`,
        mode: "managed",
        type: shape.recordType,
        name: "grant_old",
        change: { actions: ["delete"], before: shape.recordValues(old), after: null, after_unknown: {} },
      };
      const plan = {
        format_version: "1.2",
        timestamp: formatTimestamp(t),
        planned_values: {},
        resource_changes: [removal, recordChange(`${shape.recordType}.grant_renamed`, renamed)],
      };
      // A name holding an invisible character is also refused as such (identity/readable-text).
      const expected = /\uFEFF/.test(principal) ? [...UNAPPROVED, "identity/readable-text"] : UNAPPROVED;
      expect([principal, await rulesOf(plan, signing({ except: [record.approvedBy[0]!] }))]).toEqual([
        principal,
        expected,
      ]);
    }
  });

  it("denies self-approval whatever characters the names hold", async () => {
    // An approver spelled with a leading U+FEFF matched the allowed glob, counted as a second
    // person, and escaped the self-approval check while OPA folded names (its trim_space
    // keeps U+FEFF): names are now folded once, in TypeScript, for every comparison.
    for (const [requester, approver] of [
      ["alice@example.com", "\uFEFFalice@example.com"],
      ["İnes@example.com", "İNES@example.com"],
      ["ǅemal@example.com", " ǆemal@example.com\u00A0"],
    ] as const) {
      const selfApproved = { ...record, requestedBy: requester, approvedBy: [approver], resources: [] };
      const plan = doc();
      (plan.resource_changes[0] as { change: { after: object } }).change.after =
        shape.recordValues(selfApproved);
      // No allowed-signers file can list a name with an invisible character: such an
      // approval never verifies, and the name is refused as unreadable.
      const expected = /\uFEFF/.test(approver)
        ? ["approvals/evidence-verified", "approvals/min-approvers", "identity/readable-text"]
        : ["approvals/min-approvers", "approvals/no-self-approval"];
      expect([approver, await rulesOf(plan)]).toEqual([approver, expected]);
    }
  });

  it("passes the grant's own role with a matching VALID UNTIL", async () => {
    expect(await rulesOf(doc(role({})))).toEqual([]);
  });

  it("denies standing access smuggled in through other privileged types", async () => {
    for (const smuggled of [
      change("postgresql_grant.backdoor", "postgresql_grant", { role: "mallory", privileges: ["SELECT"] }),
      change("aws_iam_user_policy_attachment.x", "aws_iam_user_policy_attachment", { user: "mallory" }),
      change("google_project_iam_member.x", "google_project_iam_member", {
        role: "roles/viewer",
        member: "user:m",
      }),
      change("kubernetes_cluster_role_binding_v1.x", "kubernetes_cluster_role_binding_v1", {
        role_ref: [{ name: "view" }],
      }),
      change("module.inner.github_team_membership.x", "github_team_membership", { username: "mallory" }),
      // Another grant's access resource with no record: tempgrant's own types are privileged too.
      change(`${shape.roleType}.backdoor`, shape.roleType, {
        ...shape.roleValues(t + 3_600),
        name: "mallory",
      }),
    ]) {
      expect(await rulesOf(doc(role({}), smuggled))).toEqual(["unmanaged/privileged-without-grant"]);
    }
  });

  it("denies wildcard access however it is spelled", async () => {
    for (const extra of shape.wide) {
      expect([extra, await rulesOf(doc(role(extra)))]).toEqual([extra, ["scope/no-wildcard"]]);
    }
    const owned = { ...record, resources: [roleAddress, "postgresql_grant.grant_alice_read"] };
    for (const privileges of [["ALL"], ["all privileges"], [" All  Privileges "], ["*"]]) {
      const grant = change("postgresql_grant.grant_alice_read", "postgresql_grant", {
        role: "tg_alice_read",
        privileges,
      });
      const plan = {
        ...doc(role({}), grant),
        resource_changes: [recordChange(`${shape.recordType}.grant_alice_read`, owned), role({}), grant],
      };
      expect([privileges, await rulesOf(plan)]).toEqual([privileges, ["scope/no-wildcard"]]);
    }
  });

  it("denies a login role whose VALID UNTIL is missing or later than the record", async () => {
    expect(await rulesOf(doc(role({ valid_until: undefined })))).toEqual(["native-expiry/matches-record"]);
    expect(await rulesOf(doc(role({ valid_until: shape.validUntil(Date.UTC(2999, 0, 1) / 1000) })))).toEqual([
      "native-expiry/matches-record",
    ]);
  });

  it("fails (not passes) an expiry unknown at plan time", async () => {
    const { after, afterUnknown } = shape.unknownExpiry(record);
    const unknown = change(`${shape.recordType}.grant_alice_read`, shape.recordType, after);
    (unknown.change as { after_unknown: object }).after_unknown = afterUnknown;
    const plan = { ...doc(role({})), resource_changes: [unknown, role({})] };
    expect(await rulesOf(plan)).toContain("expiry/expiry-known");
  });
});

describe("a grant whose record moves from a legacy terraform_data to a tempgrant_grant", () => {
  // Upgrading tempgrant: the state holds the old record, the configuration the new one for the
  // same grant. The plan deletes one and creates the other; the access stays.
  const t = now() + 60;
  const [current, old] = SHAPES;
  if (!current || !old) throw new Error("no shapes");
  const record: GrantRecord = {
    tempgrant: GRANT_RECORD_MARKER,
    id: "alice-read",
    principal: "alice@example.com",
    target: "orders-db",
    access: "read",
    expiresAt: formatTimestamp(t + 3_600),
    reason: "investigate INC-42 refunds",
    ticket: "INC-42",
    requestedBy: "alice@example.com",
    approvedBy: ["bob@example.com"],
    breakGlass: false,
    binding: "custom",
    nativeExpiry: false,
    resources: ["terraform_data.grant_alice_read_access"],
  };
  const moved = (after: GrantRecord) => ({
    format_version: "1.2",
    timestamp: formatTimestamp(t),
    planned_values: {},
    resource_changes: [
      {
        address: "terraform_data.grant_alice_read",
        mode: "managed",
        type: old.recordType,
        name: "grant_alice_read",
        change: { actions: ["delete"], before: old.recordValues(record), after: null, after_unknown: {} },
      },
      {
        address: "tempgrant_grant.grant_alice_read",
        mode: "managed",
        type: current.recordType,
        name: "grant_alice_read",
        change: { actions: ["create"], before: null, after: current.recordValues(after), after_unknown: {} },
      },
      {
        address: "terraform_data.grant_alice_read_access",
        mode: "managed",
        type: "terraform_data",
        name: "grant_alice_read_access",
        change: {
          actions: ["no-op"],
          before: { input: "alice@example.com" },
          after: { input: "alice@example.com" },
          after_unknown: {},
        },
      },
    ],
  });

  it("passes the move of an unchanged grant", async () => {
    expect(await rulesOf(moved(record))).toEqual([]);
  });

  it("denies a move that also extends the grant without a fresh approval", async () => {
    const extended = moved({ ...record, expiresAt: formatTimestamp(t + 7_200) });
    expect(await rulesOf(extended, signing({ except: [record.approvedBy[0]!] }))).toEqual(UNAPPROVED);
  });
});

describe("bypass attempts through the flags of tempgrant's login role", () => {
  const t = now() + 60;
  it("denies BYPASSRLS (bypass_rls), as it denies bypass_row_level_security on postgresql_role", async () => {
    const [shape] = SHAPES;
    if (!shape) throw new Error("no shape");
    const roleAddress = `${shape.roleType}.grant_alice_read`;
    const record: GrantRecord = {
      tempgrant: GRANT_RECORD_MARKER,
      id: "alice-read",
      principal: "alice@example.com",
      target: "orders-db",
      access: "read",
      expiresAt: formatTimestamp(t + 3_600),
      reason: "investigate INC-42 refunds",
      ticket: "INC-42",
      requestedBy: "alice@example.com",
      approvedBy: ["bob@example.com"],
      breakGlass: false,
      binding: "postgresql",
      nativeExpiry: true,
      resources: [roleAddress],
    };
    const change = (address: string, type: string, after: object) => ({
      address,
      mode: "managed",
      type,
      name: address.split(".")[1],
      change: { actions: ["create"], before: null, after, after_unknown: {} },
    });
    const plan = {
      format_version: "1.2",
      timestamp: formatTimestamp(t),
      planned_values: {},
      resource_changes: [
        change("tempgrant_grant.grant_alice_read", "tempgrant_grant", shape.recordValues(record)),
        change(roleAddress, shape.roleType, { ...shape.roleValues(t + 3_600), bypass_rls: true }),
      ],
    };
    expect(await rulesOf(plan)).toEqual(["scope/no-wildcard"]);
  });
});
