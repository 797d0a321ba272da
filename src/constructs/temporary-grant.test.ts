import { describe, expect, it } from "vitest";
import { grantDigest } from "../approval/digest.js";
import { requireValidGrant } from "../grant/validate.js";
import { epoch, synthAt } from "./synth-test-helpers.js";
import { TemporaryGrant, type TemporaryGrantProps } from "./temporary-grant.js";
import { PostgresqlTarget } from "./targets/postgresql.js";
import { tempgrantProvider } from "./tempgrant-provider.js";
import type { TerraformStack } from "cdktf";

const VERIFIER =
  "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5c3RvcmVrZXk=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5c2VydmVrZXk=";
const ordersDb = new PostgresqlTarget({
  name: "orders-db",
  mode: "login-role",
  privilegeRoles: { read: "orders_read", write: "orders_write" },
});
const base: TemporaryGrantProps = {
  principal: "alice@example.com",
  target: ordersDb,
  access: "read",
  startsAt: "2026-11-25T09:00:00Z",
  expiresAt: "2026-11-25T17:00:00Z",
  reason: "investigate INC-42",
  ticket: "INC-42",
  requestedBy: "alice@example.com",
  approvedBy: ["bob@example.com"],
  credential: VERIFIER,
};

/** Declares the provider the binding's resources need, then the grant. */
function declare(stack: TerraformStack, id: string, props: TemporaryGrantProps = base): TemporaryGrant {
  tempgrantProvider(stack);
  return new TemporaryGrant(stack, id, props);
}

describe("TemporaryGrant", () => {
  it("synthesizes nothing before its start or from its expiry on", () => {
    for (const now of ["2026-11-25T08:59:59Z", "2026-11-25T17:00:00Z", "2026-12-01T00:00:00Z"]) {
      const json = synthAt(now, (stack) => declare(stack, "alice-orders"));
      expect([now, json.resource]).toEqual([now, undefined]);
    }
  });

  it("while active, synthesizes the target resources and a record that names them", () => {
    const json = synthAt("2026-11-25T09:00:00Z", (stack) => declare(stack, "alice-orders"));
    expect(json.resource?.tempgrant_postgresql_login_role?.grant_alice_orders).toEqual({
      name: "tg_alice_orders",
      member_of: ["orders_read"],
      scram_verifier: VERIFIER,
      valid_until: "2026-11-25T17:00:00Z",
      depends_on: ["tempgrant_grant.grant_alice_orders"],
    });
    const record = json.resource?.tempgrant_grant?.grant_alice_orders;
    expect(record).toEqual({
      grant_id: "alice-orders",
      principal: "alice@example.com",
      target: "orders-db",
      access: "read",
      starts_at: "2026-11-25T09:00:00Z",
      expires_at: "2026-11-25T17:00:00Z",
      reason: "investigate INC-42",
      ticket: "INC-42",
      requested_by: "alice@example.com",
      approved_by: ["bob@example.com"],
      break_glass: false,
      binding: "postgresql",
      native_expiry: true,
      resources: ["tempgrant_postgresql_login_role.grant_alice_orders"],
      // What approvers sign: the digest of the grant as declared, credential included.
      digest: grantDigest(
        requireValidGrant({ ...base, id: "alice-orders", target: "orders-db", credential: VERIFIER }, "test"),
      ),
    });
    expect(json.provider?.tempgrant).toEqual([{}]);
    expect(json.terraform?.required_providers?.tempgrant).toEqual({
      source: "tempgrant/tempgrant",
      version: "0.1.0",
    });
  });

  it("writes grant text literally: template sequences are escaped, never evaluated", () => {
    const json = synthAt("2026-11-25T09:00:00Z", (stack) =>
      declare(stack, "alice-orders", {
        ...base,
        reason: 'read ${file("/etc/passwd")} and %{ if true }x%{ endif } and $${kept}',
        ticket: "${env.PGPASSWORD}",
      }),
    );
    const record = json.resource?.tempgrant_grant?.grant_alice_orders;
    expect(record?.reason).toBe('read $${file("/etc/passwd")} and %%{ if true }x%%{ endif } and $$${kept}');
    expect(record?.ticket).toBe("$${env.PGPASSWORD}");
  });

  it("refuses grant text holding a cdktf token marker, which cdktf would resolve", () => {
    expect(() =>
      synthAt("2026-11-25T09:00:00Z", (stack) =>
        declare(stack, "alice-orders", { ...base, reason: "x ${TfToken[TOKEN.1]} y" }),
      ),
    ).toThrow(/reason: holds a cdktf token marker/);
  });

  it("stops synthesizing a margin before the expiry", () => {
    const at = (now: string) =>
      synthAt(now, (stack) => declare(stack, "alice-orders"), { margin: 300 }).resource;
    expect(at("2026-11-25T16:54:59Z")).toBeDefined();
    expect(at("2026-11-25T16:55:00Z")).toBeUndefined();
  });

  it("exposes status and addresses for listings", () => {
    let grant: TemporaryGrant | undefined;
    synthAt("2026-11-25T10:00:00Z", (stack) => {
      grant = declare(stack, "alice-orders");
    });
    expect(grant?.status).toBe("active");
    expect(grant?.grant?.expiresAt).toBe(epoch("2026-11-25T17:00:00Z"));
    expect(grant?.addresses).toEqual([
      "tempgrant_postgresql_login_role.grant_alice_orders",
      "tempgrant_grant.grant_alice_orders",
    ]);
  });

  it("fails synth on an invalid grant, naming the construct path and the field", () => {
    expect(() =>
      synthAt("2026-11-25T10:00:00Z", (stack) => {
        new TemporaryGrant(stack, "alice-orders", {
          ...base,
          expiresAt: "2026-11-25T17:00:00",
          access: "admin",
        });
      }),
    ).toThrow(/test\/alice-orders expiresAt: "2026-11-25T17:00:00" has no zone/);
    expect(() =>
      synthAt("2026-11-25T10:00:00Z", (stack) => {
        new TemporaryGrant(stack, "alice-orders", { ...base, access: "admin", credential: "hunter2" });
      }),
    ).toThrow(/no access level "admin" \(known: read, write\)[\s\S]*SCRAM-SHA-256 verifier/);
  });

  it("refuses a duplicate id anywhere in the stack, naming both places", () => {
    expect(() =>
      synthAt("2026-11-25T10:00:00Z", (stack) => {
        declare(stack, "alice-orders");
        new TemporaryGrant(stack, "again", { ...base, id: "alice-orders" });
      }),
    ).toThrow(/test\/again id: grant id "alice-orders" is already declared at test\/alice-orders/);
  });

  it("in skip mode, an invalid grant synthesizes nothing instead of failing", () => {
    const json = synthAt(
      "2026-11-25T10:00:00Z",
      (stack) => new TemporaryGrant(stack, "alice-orders", { ...base, expiresAt: "soon" }),
      { invalidGrants: "skip" },
    );
    expect(json.resource).toBeUndefined();
  });

  it("fails closed without a synth clock", async () => {
    const { Testing, TerraformStack } = await import("cdktf");
    const stack = new TerraformStack(Testing.app(), "noclock");
    expect(() => new TemporaryGrant(stack, "alice-orders", base)).toThrow(/no synth clock/);
  });
});
