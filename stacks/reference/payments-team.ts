import type { Construct } from "constructs";
import { TemporaryGrant } from "../../src/constructs/index.js";
import { ordersDb, ordersDbMembership } from "./targets.js";

// SCRAM-SHA-256 verifiers: public values derived from each grantee's password. The
// passwords themselves never appear in code, plans or state.
const ALICE_VERIFIER =
  "SCRAM-SHA-256$4096:YWxpY2Utc2FsdC0xMjM0NQ==$K0M3Vm9Ld3FvVjZmU2VWeGZ6b1N4cG1sT3N0aW5Za1k=:U2VydmVyS2V5QWxpY2VTZXJ2ZXJLZXlBbGljZTEyMzQ=";
const BOB_VERIFIER =
  "SCRAM-SHA-256$4096:Ym9iLXNhbHQtNjc4OTA=$Qm9iU3RvcmVkS2V5Qm9iU3RvcmVkS2V5Qm9iMTIzNDU2Nzg=:Qm9iU2VydmVyS2V5Qm9iU2VydmVyS2V5Qm9iMTIzNDU=";

/** The payments team declares its grants in TypeScript. */
export function declarePaymentsGrants(scope: Construct): void {
  new TemporaryGrant(scope, "alice-orders-read", {
    principal: "alice@example.com",
    target: ordersDb,
    access: "read",
    startsAt: "2027-01-11T08:00:00+01:00",
    expiresAt: "2027-01-11T18:00:00+01:00",
    reason: "Reconcile January settlement mismatches",
    ticket: "PAY-1412",
    requestedBy: "alice@example.com",
    approvedBy: ["carol@example.com"],
    credential: ALICE_VERIFIER,
  });

  // Break-glass: an incident at night, no approver awake. Short, and always reported.
  new TemporaryGrant(scope, "bob-orders-breakglass", {
    principal: "bob@example.com",
    target: ordersDb,
    access: "write",
    startsAt: "2027-01-12T02:10:00Z",
    expiresAt: "2027-01-12T03:10:00Z",
    reason: "INC-981: stuck refunds blocking the payout run",
    ticket: "INC-981",
    requestedBy: "bob@example.com",
    approvedBy: [],
    breakGlass: true,
    credential: BOB_VERIFIER,
  });

  new TemporaryGrant(scope, "payouts-svc-write", {
    principal: "payouts_svc",
    target: ordersDbMembership,
    access: "write",
    startsAt: "2027-01-11T00:00:00Z",
    expiresAt: "2027-01-13T00:00:00Z",
    reason: "One-off payout backfill job",
    ticket: "PAY-1420",
    requestedBy: "alice@example.com",
    approvedBy: ["carol@example.com", "dan@example.com"],
  });
}
