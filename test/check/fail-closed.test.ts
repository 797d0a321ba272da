import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  formatTimestamp,
  GRANT_RECORD_TYPE,
  grantRecordOfResource,
  validateGrant,
} from "../../src/grant/index.js";
import { askedApproversSign } from "../support/approve-grants.js";
import { checkPlanShape, DEFAULT_PRIVILEGED_TYPES, toPolicyInput } from "../../src/plan/index.js";
import { loadPolicyEngine, resolveConfig, type PolicyEngine } from "../../src/policy/index.js";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../../src/runner/index.js";
import { PINS } from "../../src/toolchain/pins.js";

// Issue 15: what the checker cannot see, read or tell apart is a denial. Through real tofu
// plans where tofu can make the case (raw configurations with tempgrant's own record and a
// built-in terraform_data as the "access"), crafted plan JSON where it cannot.
const config = resolveConfig({ approvals: { aliases: { "a.smith": "alice@example.com" } } });
const privilegedTypes = [
  "terraform_data",
  "postgresql_role",
  "postgresql_grant*",
  "aws_iam_*",
  "vault_policy",
];
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await loadPolicyEngine(config.policy);
});
const now = () => Math.floor(Date.now() / 1000);
/** Bob signed the grant as it was, not as it is planned now: nobody approved the new content. */
const bobDidNotSignAgain = () =>
  askedApproversSign({ aliases: config.policy.approvals.aliases, except: ["bob@example.com"] });
const bobUnverified = (id: string) => [
  `approvals/evidence-verified: grant ${id}: the approval of "bob@example.com" does not count: named in approvedBy, but no signature or approving review from them verifies over the current digest`,
  `approvals/min-approvers: grant ${id} has 0 verified approver(s) other than the requester; 1 required`,
];

/** The denials of a plan document, as "rule: message". */
async function denials(
  doc: unknown,
  types: readonly string[] = privilegedTypes,
  // Every approver a record asks for signs its current digest, unless a test says otherwise.
  approvals = askedApproversSign({ aliases: config.policy.approvals.aliases }),
): Promise<string[]> {
  const verdicts = await engine.evaluate(
    toPolicyInput(checkPlanShape(doc, "test"), {
      fallbackNow: now(),
      aliases: config.policy.approvals.aliases,
      approvals,
      privilegedTypes: types,
    }),
  );
  return [...new Set(verdicts.deny.map((v) => `${v.rule}: ${v.message}`))].sort();
}

const t = now() + 60;
const expires = formatTimestamp(t + 3_600);
const attributes = {
  grant_id: "alice-read",
  principal: "alice@example.com",
  target: "ledger-db",
  access: "read",
  expires_at: expires,
  reason: "investigate INC-42 refunds",
  ticket: "INC-42",
  requested_by: "alice@example.com",
  approved_by: ["bob@example.com"],
  break_glass: false,
  binding: "builtin",
  native_expiry: false,
  resources: ["terraform_data.access"],
};

describe("through real tofu plans", () => {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-failclosed-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let workspace: Workspace | undefined;

  async function tofu(
    resources: Record<string, unknown>,
    extra: object = {},
    applyIt = false,
  ): Promise<unknown> {
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        terraform: {
          required_providers: {
            tempgrant: {
              source: `${PINS.tempgrantProvider.namespace}/${PINS.tempgrantProvider.type}`,
              version: PINS.tempgrantProvider.version,
            },
          },
        },
        resource: resources,
        ...extra,
      }),
    );
    if (!workspace) {
      workspace = { engine: resolveEngine(), workingDir: dir, lockTimeout: "30s" };
      await init(workspace);
    }
    const result = await plan(workspace, { out: "p.tfplan" });
    const doc = await showJson(workspace, result.planFile);
    if (applyIt) await apply(workspace, result.planFile);
    return doc;
  }
  const grant = (overrides: object = {}) => ({ tempgrant_grant: { grant: { ...attributes, ...overrides } } });
  const access = { access: { input: "alice" } };

  it("passes a literal grant and its access", async () => {
    expect(await denials(await tofu({ ...grant(), terraform_data: access }))).toEqual([]);
  });

  it("class 1: denies an invisible character and a look-alike self-approval in a record", async () => {
    expect(
      await denials(
        await tofu({
          ...grant({ approved_by: ["\u0430lice@example.com"], reason: "investigate\u200b INC-42" }),
          terraform_data: access,
        }),
      ),
    ).toEqual([
      "approvals/min-approvers: grant alice-read has 0 verified approver(s) other than the requester; 1 required",
      'approvals/no-self-approval: grant alice-read: "аlice@example.com" approves a grant whose principal is "alice@example.com"; ask someone else',
      'approvals/no-self-approval: grant alice-read: "аlice@example.com" approves a grant whose requester is "alice@example.com"; ask someone else',
      "identity/readable-text: grant alice-read: reason holds a character that cannot be seen (U+200B); write it without one",
    ]);
  });

  it("class 2: denies a record field known only after apply", async () => {
    const doc = await tofu({
      ...grant({ principal: "${terraform_data.who.output}" }),
      terraform_data: { ...access, who: { input: "alice@example.com" } },
    });
    // Content unknown at plan time has no digest, so no approval can be over it.
    expect(await denials(doc, DEFAULT_PRIVILEGED_TYPES)).toEqual([
      'approvals/evidence-verified: grant alice-read: the approval of "bob@example.com" does not count: the record\'s content is known only after apply, so no approval can be over it',
      "approvals/min-approvers: grant alice-read has 0 verified approver(s) other than the requester; 1 required",
      "unknown/known-at-plan: grant alice-read: principal is known only after apply; a grant record must be written literally",
    ]);
  });

  it("class 3: denies a moved block that turns a grant's access into standing access", async () => {
    await tofu({ ...grant(), terraform_data: access }, {}, true);
    const doc = await tofu(
      { terraform_data: { standing: { input: "alice" } } },
      { moved: [{ from: "terraform_data.access", to: "terraform_data.standing" }] },
    );
    expect(await denials(doc)).toEqual([
      "unmanaged/left-behind: grant alice-read listed terraform_data.access, which this plan neither destroys nor leaves to a grant that stays: the access would outlive its grant with nothing to revoke it; destroy it with the record",
      "unmanaged/privileged-without-grant: terraform_data.standing (terraform_data) was moved from terraform_data.access and belongs to no grant that stays: a moved block cannot turn a grant's access into standing access",
    ]);
  });

  it("class 3: denies removing or forgetting a record while its access stays", async () => {
    const leftBehind =
      "unmanaged/left-behind: grant alice-read listed terraform_data.access, which this plan neither destroys nor leaves to a grant that stays: the access would outlive its grant with nothing to revoke it; destroy it with the record";
    await tofu({ ...grant(), terraform_data: access }, {}, true);
    expect(await denials(await tofu({ terraform_data: access }))).toEqual([leftBehind]);
    const forgotten = await tofu(
      { terraform_data: access },
      { removed: [{ from: "tempgrant_grant.grant", lifecycle: { destroy: false } }] },
    );
    expect(await denials(forgotten)).toEqual([
      leftBehind,
      "unmanaged/left-behind: the record of grant alice-read would be forgotten by tofu (removed with destroy = false, or replaced under lifecycle destroy = false): nothing would judge or revoke the grant after it; destroy the record instead",
    ]);
  });

  it("class 4: denies changing the principal in place without a fresh approval", async () => {
    await tofu({ ...grant(), terraform_data: access }, {}, true);
    const doc = await tofu({ ...grant({ principal: "mallory@example.com" }), terraform_data: access });
    expect(await denials(doc, privilegedTypes, bobDidNotSignAgain())).toEqual([
      ...bobUnverified("alice-read"),
      "extension/fresh-approval: grant alice-read widens principal alice@example.com -> mallory@example.com over grant alice-read without an approval over its new content: widening is a new grant",
    ]);
    // Bob approving the new content (the same approver, a new signature) is a fresh approval.
    expect(await denials(doc)).toEqual([]);
  });
});

/** Crafted plans use the default privileged types (their records are `terraform_data`). */
const crafted = (doc: unknown) => denials(doc, DEFAULT_PRIVILEGED_TYPES);

describe("through crafted plan JSON", () => {
  // The same grant as the tofu plans', as a legacy terraform_data input on orders-db.
  const record = (overrides: object = {}) => ({
    ...grantRecordOfResource(GRANT_RECORD_TYPE, {
      ...attributes,
      target: "orders-db",
      binding: "postgresql",
      resources: ["postgresql_role.grant"],
    }),
    ...overrides,
  });
  const change = (
    address: string,
    type: string,
    actions: string[],
    before: unknown,
    after: unknown,
    afterUnknown: object = {},
  ) => ({
    address,
    mode: "managed",
    type,
    name: address.split(".")[1],
    change: { actions, before, after, after_unknown: afterUnknown },
  });
  const recordChange = (
    address: string,
    actions: string[],
    before: object | null,
    after: object | null,
    unknown: object = {},
  ) =>
    change(
      address,
      "terraform_data",
      actions,
      before && { input: before },
      after && { input: after },
      unknown,
    );
  const role = { name: "tg_alice", login: false, roles: ["orders_read"] };
  const doc = (...changes: object[]) => ({
    format_version: "1.2",
    timestamp: formatTimestamp(t),
    planned_values: {},
    resource_changes: changes,
  });

  it("class 1: grant validation refuses invisible, blank and glob names, naming the field", () => {
    const grant = {
      id: "alice-read",
      principal: "alice\u00ADsmith@example.com",
      target: "orders-db",
      access: "read",
      expiresAt: expires,
      reason: "\u200b\u2060\uFEFF",
      ticket: "INC-42",
      requestedBy: " \u3000 ",
      approvedBy: ["*@example.com", "bob\u202E@example.com"],
    };
    expect(validateGrant(grant).problems.map((p) => `${p.path} ${p.code}: ${p.message}`)).toEqual([
      "principal TEXT_INVISIBLE: principal holds a character that cannot be seen (U+00AD); write it without one",
      "requestedBy NAME_BLANK: requestedBy is blank: name a person",
      'approvedBy[0] NAME_GLOB: approvedBy[0] "*@example.com" holds a glob character (*, ? or [): a name is one person, not a pattern',
      "approvedBy[1] TEXT_INVISIBLE: approvedBy[1] holds a character that cannot be seen (U+202E); write it without one",
      "reason TEXT_INVISIBLE: reason holds a character that cannot be seen (U+200B); write it without one",
    ]);
  });

  it("class 1 and 6: half a surrogate pair (a YAML or JSON escape can write one) is refused where it is declared", () => {
    // Before, such a grant validated and its digest then failed inside synthesis and checks.
    const grant = {
      id: "alice-read",
      principal: "alice@example.com",
      target: "orders-db",
      access: "read",
      expiresAt: expires,
      reason: "investigate INC-42 \ud800",
      ticket: "INC-42\udfff",
      requestedBy: "alice@example.com",
      approvedBy: ["bob\ud83d@example.com", "carol\ud83d\ude00@example.com"],
    };
    expect(validateGrant(grant).problems.map((p) => `${p.path} ${p.code}: ${p.message}`)).toEqual([
      "approvedBy[0] TEXT_INVISIBLE: approvedBy[0] holds half of a surrogate pair, not a character (U+D83D); write it without one",
      "reason TEXT_INVISIBLE: reason holds half of a surrogate pair, not a character (U+D800); write it without one",
      "ticket TEXT_INVISIBLE: ticket holds half of a surrogate pair, not a character (U+DFFF); write it without one",
    ]);
  });

  it("class 1: fullwidth and look-alike spellings of the requester are the same person", async () => {
    for (const approver of ["ａｌｉｃｅ@example.com", "aIice@example.com", "a.smith"]) {
      const plan = doc(
        recordChange(
          "terraform_data.grant",
          ["create"],
          null,
          record({ approvedBy: [approver], resources: [] }),
        ),
      );
      expect([approver, await crafted(plan)]).toEqual([
        approver,
        [
          "approvals/min-approvers: grant alice-read has 0 verified approver(s) other than the requester; 1 required",
          `approvals/no-self-approval: grant alice-read: "${approver}" approves a grant whose principal is "alice@example.com"; ask someone else`,
          `approvals/no-self-approval: grant alice-read: "${approver}" approves a grant whose requester is "alice@example.com"; ask someone else`,
        ],
      ]);
    }
  });

  it("class 2: a record known only after apply is denied on update and replace too", async () => {
    for (const actions of [["update"], ["delete", "create"]]) {
      const plan = doc(
        recordChange("terraform_data.grant", actions, record(), null, { input: true }),
        change("postgresql_role.grant", "postgresql_role", ["no-op"], role, role),
      );
      expect([actions, await crafted(plan)]).toEqual([
        actions,
        [
          "unknown/known-at-plan: grant alice-read: input is known only after apply; a grant record must be written literally",
        ],
      ]);
    }
  });

  it("class 2: a privileged attribute known only after apply is denied; computed ids are not", async () => {
    const plan = doc(
      recordChange("terraform_data.grant", ["create"], null, record()),
      change(
        "postgresql_role.grant",
        "postgresql_role",
        ["create"],
        null,
        { name: "tg_alice", login: false },
        { roles: true, id: true, oid: true },
      ),
    );
    expect(await crafted(plan)).toEqual([
      "unknown/known-at-plan: postgresql_role.grant (postgresql_role): roles is known only after apply; access must be decided when the plan is checked",
    ]);
    const unknownType = doc(
      change("vault_policy.x", "vault_policy", ["create"], null, { name: "x" }, { policy: true, id: true }),
    );
    expect(await crafted(unknownType)).toContain(
      "unknown/known-at-plan: vault_policy.x (vault_policy): policy is known only after apply; access must be decided when the plan is checked",
    );
  });

  it("class 3: a record lists only what the plan creates for it; instances it does not list are unmanaged", async () => {
    const plan = doc(
      recordChange(
        "terraform_data.grant",
        ["create"],
        null,
        record({ resources: ["postgresql_role.grant"] }),
      ),
      change("postgresql_role.grant[0]", "postgresql_role", ["create"], null, role),
    );
    expect(await crafted(plan)).toEqual([
      "unmanaged/listed-in-plan: grant alice-read lists postgresql_role.grant, which this plan does not create or keep for it: a record lists only the resources beside it",
      "unmanaged/privileged-without-grant: postgresql_role.grant[0] (postgresql_role) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry",
    ]);
  });

  it("class 3: a deleted record owns nothing that stays; two records cannot share an address", async () => {
    const kept = doc(
      recordChange("terraform_data.grant", ["delete"], record(), null),
      change("postgresql_role.grant", "postgresql_role", ["update"], role, { ...role, name: "tg_alice2" }),
    );
    expect(await crafted(kept)).toEqual([
      "unmanaged/left-behind: grant alice-read listed postgresql_role.grant, which this plan neither destroys nor leaves to a grant that stays: the access would outlive its grant with nothing to revoke it; destroy it with the record",
      "unmanaged/privileged-without-grant: postgresql_role.grant (postgresql_role) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry",
    ]);
    const shared = doc(
      recordChange("terraform_data.grant", ["create"], null, record()),
      recordChange(
        "terraform_data.other",
        ["create"],
        null,
        record({
          id: "bob-read",
          principal: "bob@example.com",
          requestedBy: "bob@example.com",
          approvedBy: ["carol@example.com"],
        }),
      ),
      change("postgresql_role.grant", "postgresql_role", ["create"], null, role),
    );
    expect(await crafted(shared)).toEqual([
      "unmanaged/listed-in-plan: grant alice-read lists postgresql_role.grant, which this plan does not create or keep for it: a record lists only the resources beside it",
      "unmanaged/listed-in-plan: grant bob-read lists postgresql_role.grant, which this plan does not create or keep for it: a record lists only the resources beside it",
      "unmanaged/privileged-without-grant: postgresql_role.grant (postgresql_role) is listed by grants alice-read, bob-read: an address belongs to one grant",
    ]);
  });

  it("class 4: raising the access level, re-declaring under another id, or widening a resource needs fresh approval", async () => {
    const raised = doc(
      recordChange("terraform_data.grant", ["update"], record(), record({ access: "admin" })),
      change("postgresql_role.grant", "postgresql_role", ["no-op"], role, role),
    );
    expect(await denials(raised, DEFAULT_PRIVILEGED_TYPES, bobDidNotSignAgain())).toEqual([
      ...bobUnverified("alice-read"),
      "extension/fresh-approval: grant alice-read widens access read -> admin over grant alice-read without an approval over its new content: widening is a new grant",
    ]);
    const redeclared = doc(
      recordChange("terraform_data.grant", ["update"], record(), record({ id: "ops-admin" })),
      change("postgresql_role.grant", "postgresql_role", ["no-op"], role, role),
    );
    expect(await denials(redeclared, DEFAULT_PRIVILEGED_TYPES, bobDidNotSignAgain())).toEqual([
      ...bobUnverified("ops-admin"),
      "extension/fresh-approval: grant ops-admin widens id alice-read -> ops-admin over grant alice-read without an approval over its new content: widening is a new grant",
    ]);
    const widened = doc(
      recordChange("terraform_data.grant", ["no-op"], record(), record()),
      change("postgresql_role.grant", "postgresql_role", ["update"], role, {
        ...role,
        roles: ["orders_read", "orders_write"],
      }),
    );
    expect(await crafted(widened)).toEqual([
      "extension/fresh-approval: postgresql_role.grant of grant alice-read gains role orders_write while its grant is not approved again: widening access needs a fresh approval on the grant",
    ]);
  });

  it("class 4: back-to-back break-glass grants of one person on one target are one window", async () => {
    const glass = (id: string, startsAt: number, expiresAt: number) =>
      recordChange(
        `terraform_data.${id}`,
        ["create"],
        null,
        record({
          id,
          breakGlass: true,
          approvedBy: [],
          startsAt: formatTimestamp(startsAt),
          expiresAt: formatTimestamp(expiresAt),
          resources: [],
        }),
      );
    const plan = doc(glass("bg-1", t - 30, t + 3 * 3_600), glass("bg-2", t + 3 * 3_600, t + 6 * 3_600));
    const denied = (await crafted(plan)).filter((line) => line.startsWith("break-glass/duration-cap"));
    expect(denied).toEqual([
      "break-glass/duration-cap: break-glass grant bg-1 joins bg-2 of alice@example.com on orders-db into one window of 6h; break-glass is capped at 4h: get it approved",
      "break-glass/duration-cap: break-glass grant bg-2 joins bg-1 of alice@example.com on orders-db into one window of 6h; break-glass is capped at 4h: get it approved",
    ]);
  });
});
