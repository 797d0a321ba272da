import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllowedSigners } from "../../src/approval/allowed-signers.js";
import {
  formatTimestamp,
  GRANT_RECORD_TYPE,
  grantRecordOfResource,
  validateGrant,
} from "../../src/grant/index.js";
import { checkPlanShape, DEFAULT_PRIVILEGED_TYPES, toPolicyInput } from "../../src/plan/index.js";
import {
  loadPolicyEngine,
  parseConfig,
  resolveConfig,
  type CheckConfig,
  type PolicyEngine,
} from "../../src/policy/index.js";
import { askedApproversSign } from "../support/approve-grants.js";

// Names that are not identities, second round (red-team findings 3 to 6): blank glyphs no
// property gathers (U+2800 BRAILLE PATTERN BLANK, ...), look-alikes in capitals of another
// script, reasons of blanks or lone combining marks, alias chains. In process, through the
// real policy bundle: the policy input as `tempgrant check` builds it, every approver a record
// asks for signing its current digest (a name identity.ts refuses signs nothing).

const BLANK = "\u2800";
const oneApprover = resolveConfig({ approvals: { aliases: { "a.smith": "alice@example.com" } } });
const twoApprovers = resolveConfig({ approvals: { required: 2 } });
const chained = resolveConfig({ approvals: { aliases: { al: "alice", alice: "alice@example.com" } } });
const engines = new Map<CheckConfig, PolicyEngine>();
beforeAll(async () => {
  for (const config of [oneApprover, twoApprovers, chained])
    engines.set(config, await loadPolicyEngine(config.policy));
});

const now = () => Math.floor(Date.now() / 1000);
const t = now() + 60;
const attributes = {
  grant_id: "alice-read",
  principal: "alice@example.com",
  target: "orders-db",
  access: "read",
  expires_at: formatTimestamp(t + 3_600),
  reason: "investigate INC-42 refunds",
  ticket: "INC-42",
  requested_by: "alice@example.com",
  approved_by: ["bob@example.com"],
  break_glass: false,
  binding: "postgresql",
  native_expiry: false,
  resources: [] as string[],
};

/** A plan that creates one grant record: alice's read grant, with `overrides` (record field names). */
function planOf(overrides: object): unknown {
  const record = { ...grantRecordOfResource(GRANT_RECORD_TYPE, attributes), ...overrides };
  return {
    format_version: "1.2",
    timestamp: formatTimestamp(t),
    planned_values: {},
    resource_changes: [
      {
        address: "terraform_data.grant",
        mode: "managed",
        type: "terraform_data",
        name: "grant",
        change: { actions: ["create"], before: null, after: { input: record }, after_unknown: {} },
      },
    ],
  };
}

/** The denials of a grant as "rule: message", sorted. */
async function denials(overrides: object, config: CheckConfig = oneApprover): Promise<string[]> {
  const aliases = config.policy.approvals.aliases;
  const verdicts = await engines.get(config)!.evaluate(
    toPolicyInput(checkPlanShape(planOf(overrides), "test"), {
      fallbackNow: now(),
      aliases,
      approvals: askedApproversSign({ aliases }),
      privilegedTypes: DEFAULT_PRIVILEGED_TYPES,
    }),
  );
  return [...new Set(verdicts.deny.map((v) => `${v.rule}: ${v.message}`))].sort();
}

const noOtherApprover = (required = 1, verified = 0) =>
  `approvals/min-approvers: grant alice-read has ${verified} verified approver(s) other than the requester; ${required} required`;
const selfApproval = (approver: string, person = "alice@example.com") => [
  `approvals/no-self-approval: grant alice-read: "${approver}" approves a grant whose principal is "${person}"; ask someone else`,
  `approvals/no-self-approval: grant alice-read: "${approver}" approves a grant whose requester is "${person}"; ask someone else`,
];
const unsigned = (approver: string) =>
  `approvals/evidence-verified: grant alice-read: the approval of "${approver}" does not count: named in approvedBy, but no signature or approving review from them verifies over the current digest`;

describe("blank glyphs (finding 3)", () => {
  it("denies alice approving her own grant as alice@example.com + U+2800", async () => {
    expect(await denials({ approvedBy: [`alice@example.com${BLANK}`] })).toEqual([
      unsigned(`alice@example.com${BLANK}`),
      noOtherApprover(),
      "identity/readable-text: grant alice-read: approvedBy[0] holds a character that cannot be seen (U+2800); write it without one",
    ]);
  });

  it("counts bob and bob + U+2800 once", async () => {
    expect(
      await denials({ approvedBy: ["bob@example.com", `bob@example.com${BLANK}`] }, twoApprovers),
    ).toEqual([
      noOtherApprover(2, 1),
      "identity/readable-text: grant alice-read: approvedBy[1] holds a character that cannot be seen (U+2800); write it without one",
    ]);
  });

  it("refuses other blank glyphs and non-ASCII spaces in names where they are declared", () => {
    const grant = {
      id: "alice-read",
      principal: "alice@example.com",
      target: "orders-db",
      access: "read",
      expiresAt: attributes.expires_at,
      reason: "investigate INC-42 refunds",
      ticket: "INC-42",
      requestedBy: "alice@example.com",
      approvedBy: ["bob\u{1D159}@example.com", "carol@example.com\u{16FE4}", "dave\u3000smith@example.com"],
    };
    expect(validateGrant(grant).problems.map((p) => `${p.path} ${p.code}: ${p.message}`)).toEqual([
      "approvedBy[0] TEXT_INVISIBLE: approvedBy[0] holds a character that cannot be seen (U+1D159); write it without one",
      "approvedBy[1] TEXT_INVISIBLE: approvedBy[1] holds a character that cannot be seen (U+16FE4); write it without one",
      "approvedBy[2] NAME_SPACE: approvedBy[2] holds a blank that is not an ASCII space (U+3000); write the name without it",
    ]);
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    expect(() => parseAllowedSigners(`"alice@example.com${BLANK}" ${key}\n`, "allowed_signers")).toThrow(
      "allowed_signers line 1: principal holds a character that cannot be seen (U+2800); write it without one",
    );
  });
});

describe("look-alikes in capitals of another script (finding 4)", () => {
  it("denies ВОВ (Cyrillic capitals) approving bob's own grant, as BOB is", async () => {
    const bobs = { principal: "bob@example.com", requestedBy: "bob@example.com" };
    expect(await denials({ ...bobs, approvedBy: ["ВОВ@example.com"] })).toEqual([
      noOtherApprover(),
      ...selfApproval("ВОВ@example.com", "bob@example.com"),
    ]);
  });

  it("counts bob and ВОВ once", async () => {
    expect(await denials({ approvedBy: ["bob@example.com", "ВОВ@example.com"] }, twoApprovers)).toEqual([
      noOtherApprover(2, 1),
    ]);
  });

  it("denies ΑLΙCΕ (Greek capitals) and ᎪᏞᎥᏟᎬ (Cherokee) approving alice's own grant", async () => {
    for (const approver of ["ΑLΙCΕ@example.com", "ᎪᏞᎥᏟᎬ@example.com"])
      expect(await denials({ approvedBy: [approver] })).toEqual([
        noOtherApprover(),
        ...selfApproval(approver),
      ]);
  });

  it("still passes people with non-ASCII names that imitate nobody", async () => {
    expect(await denials({ approvedBy: ["josé@example.com"] })).toEqual([]);
    expect(await denials({ approvedBy: ["Zoë"] })).toEqual([]);
    expect(await denials({ approvedBy: ["иван@example.com"] })).toEqual([]);
    expect(
      await denials(
        {
          principal: "иван@example.com",
          requestedBy: "иван@example.com",
          approvedBy: ["josé@example.com", "Zoë"],
        },
        twoApprovers,
      ),
    ).toEqual([]);
  });
});

describe("reasons without visible text (finding 5)", () => {
  it("denies a reason of 26 U+2800", async () => {
    expect(await denials({ reason: BLANK.repeat(26) })).toEqual([
      "identity/readable-text: grant alice-read: reason holds a character that cannot be seen (U+2800); write it without one",
    ]);
  });

  it("denies a reason of 26 lone combining marks, and marks stacked on a letter", async () => {
    expect(await denials({ reason: "\u0300".repeat(26) })).toEqual([
      "identity/readable-text: grant alice-read: reason holds a combining mark on no character (U+0300); write it on a letter or leave it out",
      "justification/reason-present: grant alice-read: the reason must say why in at least 10 characters",
    ]);
    expect(await denials({ reason: `fix${"\u0300\u0301\u0302\u0303\u0304\u0306".repeat(4)}` })).toEqual([
      "identity/readable-text: grant alice-read: reason stacks more than four combining marks, or one mark twice, on a character (U+0300); write it without them",
      "justification/reason-present: grant alice-read: the reason must say why in at least 10 characters",
    ]);
    // Four marks a letter are allowed, but a reader sees three letters, not fifteen characters.
    expect(await denials({ reason: "a\u0300\u0301\u0302\u0303".repeat(3) })).toEqual([
      "justification/reason-present: grant alice-read: the reason must say why in at least 10 characters",
    ]);
  });

  it("denies a ticket of non-ASCII blanks; passes a reason in another script", async () => {
    expect(await denials({ ticket: "\u3000\u3000\u3000" })).toContain(
      "identity/readable-text: grant alice-read: ticket has nothing visible in it (only blanks or combining marks); write it in letters",
    );
    expect(await denials({ reason: "расследование инцидента INC-42" })).toEqual([]);
  });
});

describe("alias chains (finding 6)", () => {
  it("follows a chain given in process: al is alice", async () => {
    expect(await denials({ approvedBy: ["al"] }, chained)).toEqual([
      noOtherApprover(),
      ...selfApproval("al"),
    ]);
  });

  describe("tempgrant.yaml", () => {
    const dir = mkdtempSync(join(tmpdir(), "tempgrant-alias-chain-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const load = (yaml: string) => {
      const file = join(dir, "tempgrant.yaml");
      writeFileSync(file, yaml);
      return parseConfig(yaml, file);
    };

    it("refuses an alias that maps to another alias, and a cycle, naming the alias", async () => {
      await expect(
        load("approvals:\n  aliases:\n    al: alice\n    alice: alice@example.com\n"),
      ).rejects.toThrow(
        /tempgrant\.yaml approvals\.aliases\.al: alias "al" maps to "alice", itself an alias \(of "alice@example\.com"\): map it to the name used in grants$/,
      );
      await expect(load("approvals:\n  aliases:\n    a: b\n    b: a\n")).rejects.toMatchObject({
        problems: [
          { path: "approvals.aliases.a", code: "CONFIG_INVALID" },
          { path: "approvals.aliases.b", code: "CONFIG_INVALID" },
        ],
      });
    });

    it("accepts aliases that map straight to names, and an alias of its own spelling", async () => {
      const config = await load("approvals:\n  aliases:\n    al: alice@example.com\n    Alice: alice\n");
      expect(config.policy.approvals.aliases).toEqual({ al: "alice@example.com", alice: "alice" });
    });
  });
});
