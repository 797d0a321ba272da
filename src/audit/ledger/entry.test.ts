import { describe, expect, it } from "vitest";
import { entryHash } from "./entry-hash.js";
import { GENESIS_PREV, LEDGER_EVENT_VERSION, parseLedgerLine, type LedgerFields } from "./entry.js";

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
  it("reads an event with no version as version 1, as every ledger so far was written", () => {
    expect(LEDGER_EVENT_VERSION).toBe(1);
    expect(parseLedgerLine(line(verification))).toMatchObject({ ok: true });
    expect(parseLedgerLine(line({ ...verification, version: 1 }))).toMatchObject({ ok: true });
  });

  it("refuses an event of a version it does not know rather than misread it", () => {
    for (const version of [2, "1", null, 0]) {
      const parsed = parseLedgerLine(line({ ...verification, version }));
      expect(parsed).toEqual({
        ok: false,
        why: `event version ${JSON.stringify(version)} is not one this tempgrant reads (1): upgrade tempgrant`,
      });
    }
  });
});
