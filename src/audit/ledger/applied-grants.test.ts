import { describe, expect, it } from "vitest";
import { personalRecord } from "../../../test/support/grant-record.js";
import { grantRecordAttributes, type GrantRecord } from "../../grant/record.js";
import type { PlanJson, ResourceChangeJson } from "../../plan/plan-json.js";
import { toPolicyInput } from "../../plan/policy-input.js";
import { writtenRecords } from "../../plan/written-records.js";
import { appliedGrants } from "./applied-grants.js";

const record = (id: string, expiresAt: string, extra: Partial<GrantRecord> = {}): GrantRecord =>
  personalRecord(id, expiresAt, {
    approvedBy: ["lead@example.com"],
    resources: [`terraform_data.grant_${id}_access`],
    ...extra,
  });
const change = (id: string, actions: string[], before: GrantRecord | null, after: GrantRecord | null) =>
  ({
    address: `terraform_data.grant_${id}`,
    mode: "managed",
    type: "terraform_data",
    change: { actions, before: before && { input: before }, after: after && { input: after } },
  }) satisfies ResourceChangeJson;

describe("appliedGrants", () => {
  it("lists every grant record the plan creates, updates, replaces or deletes, as written in the record", () => {
    const alice = record("alice", "2026-11-26T18:00:00Z", { startsAt: "2026-11-25T19:00:00Z" });
    const bob = record("bob", "2026-11-25T20:00:00Z");
    const bobLonger = { ...bob, expiresAt: "2026-11-25T22:00:00Z" };
    const carol = record("carol", "2026-11-25T17:00:00Z");
    const dave = record("dave", "2026-11-27T00:00:00Z");
    const plan: PlanJson = {
      format_version: "1.2",
      planned_values: {},
      resource_changes: [
        change("alice", ["create"], null, alice),
        change("bob", ["update"], bob, bobLonger),
        change("carol", ["delete"], carol, null),
        change("dave", ["delete", "create"], dave, dave),
        change(
          "erin",
          ["no-op"],
          record("erin", "2026-11-27T00:00:00Z"),
          record("erin", "2026-11-27T00:00:00Z"),
        ),
        {
          address: "terraform_data.grant_alice_access",
          type: "terraform_data",
          change: { actions: ["create"], after: { input: "role" } },
        },
      ],
    };
    const input = toPolicyInput(plan, {
      now: Date.UTC(2026, 10, 25, 18) / 1000,
      fallbackNow: 0,
      aliases: {},
    });
    // Created and changed grants carry the digest the check recomputed; without evidence, no approvals.
    const digested = { digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), approvals: [] };
    expect(appliedGrants(input, writtenRecords(plan))).toEqual([
      { action: "create", record: alice, ...digested },
      { action: "update", record: bobLonger, ...digested },
      { action: "delete", record: carol },
      { action: "replace", record: dave, ...digested },
    ]);
  });

  it("stores a tempgrant_grant's record as written, its synthesized digest and the offset of its times kept", () => {
    const written = record("frank", "2026-11-26T21:00:00+02:00", {
      startsAt: "2026-11-25T19:30:00+01:00",
      digest: `sha256:${"0".repeat(64)}`,
    });
    const plan: PlanJson = {
      format_version: "1.2",
      planned_values: {},
      resource_changes: [
        {
          address: "tempgrant_grant.frank",
          mode: "managed",
          type: "tempgrant_grant",
          change: {
            actions: ["create"],
            before: null,
            after: { id: "frank", ...grantRecordAttributes(written) },
          },
        },
      ],
    };
    const input = toPolicyInput(plan, {
      now: Date.UTC(2026, 10, 25, 18) / 1000,
      fallbackNow: 0,
      aliases: {},
    });
    const [applied] = appliedGrants(input, writtenRecords(plan));
    expect(applied?.record).toEqual(written);
    // The digest the check recomputed stands beside it; the record's own is never trusted.
    expect(applied?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(applied?.digest).not.toBe(written.digest);
  });
});
