import { describe, expect, it } from "vitest";
import { requireValidGrant } from "../grant/validate.js";
import { grantRecord, grantRecordAttributes } from "../grant/record.js";
import { checkPlanShape, toPolicyInput } from "../plan/index.js";
import { grantDigest } from "./digest.js";

const VERIFIER = (n: string) =>
  `SCRAM-SHA-256$4096:c2FsdHNhbHRz${n}$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5c3RvcmVrZXk=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5c2VydmVrZXk=`;
const grant = requireValidGrant(
  {
    id: "erin-orders-read",
    principal: "erin@example.com",
    target: "orders-db",
    access: "read",
    expiresAt: "2027-01-12T18:00:00+01:00",
    reason: "Quarterly revenue model refresh",
    ticket: "DATA-77",
    requestedBy: "erin@example.com",
    approvedBy: ["frank@example.com"],
    credential: VERIFIER("YQ=="),
  },
  "test",
);
const role = "tempgrant_postgresql_login_role.grant_erin_orders_read";

/** A plan creating the grant's record and its login role, as tofu shows them. */
function plan(options: { carried?: string; verifier?: string | null; verifierUnknown?: boolean } = {}) {
  const attributes = grantRecordAttributes(
    grantRecord(
      grant,
      { kind: "postgresql", nativeExpiry: true },
      [role],
      options.carried ?? grantDigest(grant),
    ),
  );
  return {
    format_version: "1.2",
    planned_values: {},
    resource_changes: [
      {
        address: "tempgrant_grant.grant_erin_orders_read",
        mode: "managed",
        type: "tempgrant_grant",
        name: "grant_erin_orders_read",
        change: {
          actions: ["create"],
          before: null,
          after: { ...attributes, id: "erin-orders-read" },
          after_unknown: {},
        },
      },
      {
        address: role,
        mode: "managed",
        type: "tempgrant_postgresql_login_role",
        name: "grant_erin_orders_read",
        change: {
          actions: ["create"],
          before: null,
          after: {
            name: "tg_erin_orders_read",
            ...(options.verifierUnknown
              ? {}
              : { scram_verifier: options.verifier === undefined ? grant.credential : options.verifier }),
          },
          after_unknown: options.verifierUnknown ? { scram_verifier: true } : {},
        },
      },
    ],
  };
}

const recomputed = (doc: ReturnType<typeof plan>) =>
  toPolicyInput(checkPlanShape(doc, "plan.json"), { fallbackNow: 0, aliases: {} }).grants[0]!.after!.digest;

describe("the checker recomputes the digest, never trusting the record's", () => {
  it("derives the declared grant's digest from the record and its login role's credential", () => {
    expect(recomputed(plan())).toBe(grantDigest(grant));
  });

  it("ignores a forged carried digest: what counts is the content", () => {
    expect(recomputed(plan({ carried: `sha256:${"0".repeat(64)}` }))).toBe(grantDigest(grant));
  });

  it("binds the credential the role is given: another verifier is other content", () => {
    const swapped = recomputed(plan({ verifier: VERIFIER("Yg==") }));
    expect(swapped).toBe(grantDigest({ ...grant, credential: VERIFIER("Yg==") }));
    expect(swapped).not.toBe(grantDigest(grant));
    // No credential on the role: the digest of the grant without one, again not the approved one.
    expect(recomputed(plan({ verifier: null }))).toBe(grantDigest({ ...grant, credential: undefined }));
  });

  it("has no digest when the credential is known only after apply", () => {
    expect(recomputed(plan({ verifierUnknown: true }))).toBeNull();
  });
});
