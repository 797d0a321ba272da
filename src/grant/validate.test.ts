import { describe, expect, it } from "vitest";
import { validateGrant, validateGrantsFileShape } from "./validate.js";

const valid = {
  id: "alice-orders-read",
  principal: "alice@example.com",
  target: "orders-db",
  access: "read",
  startsAt: "2026-11-25T09:00:00+01:00",
  expiresAt: "2026-11-25T18:00:00+01:00",
  reason: "investigate INC-42",
  ticket: "INC-42",
  requestedBy: "alice@example.com",
  approvedBy: ["bob@example.com"],
};

describe("validateGrant", () => {
  it("normalizes a valid grant to UTC epoch seconds with defaults", () => {
    const { grant, problems } = validateGrant(valid);
    expect(problems).toEqual([]);
    expect(grant).toMatchObject({
      id: "alice-orders-read",
      startsAt: Date.UTC(2026, 10, 25, 8) / 1000,
      expiresAt: Date.UTC(2026, 10, 25, 17) / 1000,
      breakGlass: false,
      approvedBy: ["bob@example.com"],
    });
  });

  it("collects every problem, each with its field path", () => {
    const { grant, problems } = validateGrant(
      { ...valid, id: "Alice Orders", principal: 7, reason: undefined, expires_at: "x" },
      "grants[3]",
    );
    expect(grant).toBeUndefined();
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "grants[3].reason", code: "FIELD_MISSING" }),
        expect.objectContaining({ path: "grants[3].id", code: "FIELD_FORMAT" }),
        expect.objectContaining({
          path: "grants[3].principal",
          code: "FIELD_TYPE",
          message: "must be a string, not 7",
        }),
        expect.objectContaining({
          path: "grants[3].expires_at",
          code: "FIELD_UNKNOWN",
          message: 'unknown field "expires_at" (did you mean "expiresAt"?)',
        }),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it("rejects naive and impossible timestamps with the field that holds them", () => {
    expect(validateGrant({ ...valid, expiresAt: "2026-11-25T18:00:00" }).problems).toEqual([
      expect.objectContaining({ path: "expiresAt", code: "TIME_NO_ZONE" }),
    ]);
    expect(validateGrant({ ...valid, startsAt: "2026-02-30T00:00:00Z" }).problems).toEqual([
      expect.objectContaining({ path: "startsAt", code: "TIME_IMPOSSIBLE" }),
    ]);
  });

  it("rejects an expiry at or before the start", () => {
    for (const expiresAt of [valid.startsAt, "2026-11-25T07:59:59Z"]) {
      expect(validateGrant({ ...valid, expiresAt }).problems).toEqual([
        expect.objectContaining({ path: "expiresAt", code: "WINDOW_EMPTY" }),
      ]);
    }
    expect(validateGrant({ ...valid, expiresAt: "2026-11-25T08:00:01Z" }).problems).toEqual([]);
  });

  it("never widens a window when dropping fractions of a second", () => {
    const { grant } = validateGrant({
      ...valid,
      startsAt: "2026-11-25T08:00:00.5Z",
      expiresAt: "2026-11-25T09:00:00.9Z",
    });
    expect(grant?.startsAt).toBe(Date.UTC(2026, 10, 25, 8, 0, 1) / 1000);
    expect(grant?.expiresAt).toBe(Date.UTC(2026, 10, 25, 9) / 1000);
  });

  it("names the value when it is not a mapping at all", () => {
    expect(validateGrant("alice", "grants[0]").problems).toEqual([
      expect.objectContaining({
        path: "grants[0]",
        code: "FIELD_TYPE",
        message: 'must be an object, not "alice"',
      }),
    ]);
  });
});

describe("validateGrantsFileShape", () => {
  it("wants a top-level grants list and nothing else", () => {
    expect(validateGrantsFileShape({ grants: [] })).toEqual([]);
    expect(validateGrantsFileShape({ grants: [], grnts: [] })).toEqual([
      expect.objectContaining({ path: "grnts", message: 'unknown field "grnts" (did you mean "grants"?)' }),
    ]);
    expect(validateGrantsFileShape([])).toEqual([expect.objectContaining({ path: "", code: "FIELD_TYPE" })]);
    expect(validateGrantsFileShape({})).toEqual([
      expect.objectContaining({ path: "grants", code: "FIELD_MISSING" }),
    ]);
  });
});
