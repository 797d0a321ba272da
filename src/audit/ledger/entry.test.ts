import { describe, expect, it } from "vitest";
import { entryHash } from "./entry-hash.js";
import {
  eventVersion,
  GENESIS_PREV,
  LEDGER_EVENT_VERSION,
  parseLedgerLine,
  type LedgerFields,
} from "./entry.js";

// A line as append writes it: chained onto nothing, hashed over its fields.
const line = (event: Record<string, unknown>): string => {
  const fields = { seq: 1, prev: GENESIS_PREV, at: "2026-11-25T18:00:00Z", event } as unknown as LedgerFields;
  return JSON.stringify({ ...fields, hash: entryHash(fields) });
};
const verification = {
  type: "verification",
  stack: "prod",
  now: "2026-11-25T18:00:00Z",
  grants: ["g"],
  verified: true,
  method: "re-plan",
};

describe("the ledger's event version", () => {
  it("writes version 2, and reads an event with no version as version 1, as every ledger before it was written", () => {
    expect(LEDGER_EVENT_VERSION).toBe(2);
    expect(parseLedgerLine(line(verification))).toMatchObject({ ok: true });
    expect(parseLedgerLine(line({ ...verification, version: 1 }))).toMatchObject({ ok: true });
    expect(parseLedgerLine(line({ ...verification, version: 2 }))).toMatchObject({ ok: true });
    expect([eventVersion(verification), eventVersion({ ...verification, version: 2 })]).toEqual([1, 2]);
  });

  it("refuses an event of a version it does not know rather than misread it", () => {
    for (const version of [3, "2", "1", null, 0, 2.5]) {
      const parsed = parseLedgerLine(line({ ...verification, version }));
      expect(parsed).toEqual({
        ok: false,
        why: `event version ${JSON.stringify(version)} is not one this tempgrant reads (1, 2): upgrade tempgrant`,
      });
    }
  });
});
