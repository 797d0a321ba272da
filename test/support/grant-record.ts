import type { ApplyEvent } from "../../src/audit/ledger/index.js";
import { GRANT_RECORD_MARKER, type GrantRecord } from "../../src/grant/record.js";

/** alice's read grant on orders-db as tempgrant records it; `overrides` change or add fields (crafted ones too). */
export function aliceRecord<T extends object = Partial<GrantRecord>>(overrides?: T): GrantRecord & T {
  return {
    tempgrant: GRANT_RECORD_MARKER,
    id: "alice",
    principal: "alice@example.com",
    target: "orders-db",
    access: "read",
    expiresAt: "2026-11-25T20:00:00Z",
    reason: "reconcile the January ledger",
    requestedBy: "alice@example.com",
    approvedBy: ["bob@example.com"],
    breakGlass: false,
    binding: "custom",
    nativeExpiry: false,
    resources: [],
    ...overrides,
  } as GrantRecord & T;
}

/** Grant `id`'s own record (the grantee requested it), like alice's, expiring at `expiresAt`, with ticket OPS-1. */
export function personalRecord(
  id: string,
  expiresAt: string,
  overrides: Partial<GrantRecord> = {},
): GrantRecord {
  return aliceRecord({
    id,
    principal: `${id}@example.com`,
    requestedBy: `${id}@example.com`,
    expiresAt,
    ticket: "OPS-1",
    ...overrides,
  });
}

/** The apply event that creates `record` in stack prod, as `tempgrant apply` appends it. */
export function applyEvent(record: GrantRecord, now: string): ApplyEvent {
  return {
    type: "apply",
    now,
    stack: "prod",
    planSha256: "a".repeat(64),
    stateSerialBefore: null,
    stateSerialAfter: 1,
    grants: [{ action: "create", record }],
    warnings: [],
  };
}

/**
 * The record of grant `id` the audit diff tests compare: a read grant on orders-db held by a
 * PostgreSQL role, until 2027-01-11T12:00:00Z; `overrides` change or add fields (crafted ones too).
 */
export function auditedRecord(id: string, overrides: Record<string, unknown> = {}): GrantRecord {
  return {
    tempgrant: GRANT_RECORD_MARKER,
    id,
    principal: `${id}@example.com`,
    target: "orders-db",
    access: "read",
    expiresAt: "2027-01-11T12:00:00Z",
    reason: "investigate stuck refunds",
    ticket: "OPS-1",
    requestedBy: `${id}@example.com`,
    approvedBy: ["carol@example.com"],
    breakGlass: false,
    binding: "postgresql",
    nativeExpiry: true,
    resources: [`postgresql_role.grant_${id}`],
    ...overrides,
  } as GrantRecord;
}
