import { describe, expect, it } from "vitest";
import { personalRecord } from "../../test/support/grant-record.js";
import type { GrantRecord } from "../grant/record.js";
import { accessWindows, activeAt, overlaps, type LedgerEventLine } from "./access-windows.js";

const record = (id: string, expiresAt: string, extra: Partial<GrantRecord> = {}): GrantRecord =>
  personalRecord(id, expiresAt, { reason: "incident", approvedBy: ["boss@example.com"], ...extra });

let seq = 0;
const line = (event: { type: string } & Record<string, unknown>): LedgerEventLine => ({
  seq: (seq += 1),
  event,
});
const apply = (now: string, grants: { action: string; record: GrantRecord }[]) =>
  line({ type: "apply", stack: "prod", now, grants });
const sweep = (now: string, ids: string[], verified = true) =>
  line({ type: "sweep", stack: "prod", now, revoked: ids.map((id) => ({ id })), verified });

const T = (hhmm: string) => `2026-11-25T${hhmm}:00Z`;
const S = (hhmm: string) => Date.parse(T(hhmm)) / 1000;

describe("accessWindows", () => {
  it("opens on apply and closes on the sweep, with the lag past expiry", () => {
    const [window] = accessWindows([
      apply(T("10:00"), [{ action: "create", record: record("ann", T("12:00")) }]),
      sweep(T("12:10"), ["ann"]),
    ]);
    expect(window).toMatchObject({
      id: "ann",
      from: S("10:00"),
      endedAt: S("12:10"),
      ending: "expired-verified",
      revocationLagSeconds: 600,
    });
  });

  it("starts a pending grant at its start, counts extensions, and marks an early removal", () => {
    const windows = accessWindows([
      apply(T("09:00"), [{ action: "create", record: record("bob", T("11:00"), { startsAt: T("10:00") }) }]),
      apply(T("10:30"), [{ action: "update", record: record("bob", T("13:00"), { startsAt: T("10:00") }) }]),
      apply(T("11:30"), [{ action: "delete", record: record("bob", T("13:00")) }]),
    ]);
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({
      from: S("10:00"),
      expiresAt: S("13:00"),
      extensions: 1,
      endedAt: S("11:30"),
      ending: "removed-early",
      revocationLagSeconds: null,
    });
  });

  it("keeps unrevoked grants open and flags a failed verification", () => {
    const windows = accessWindows([
      apply(T("10:00"), [
        { action: "create", record: record("cat", T("11:00")) },
        { action: "create", record: record("dan", T("11:00"), { breakGlass: true }) },
      ]),
      sweep(T("11:05"), ["cat"], false),
    ]);
    const byId = Object.fromEntries(windows.map((w) => [w.id, w]));
    expect(byId.cat).toMatchObject({ ending: "expired-unverified", endedAt: S("11:05") });
    expect(byId.dan).toMatchObject({ ending: "open", endedAt: null, breakGlass: true });
  });

  it("answers at-an-instant and overlap questions on half-open windows", () => {
    const [window] = accessWindows([
      apply(T("10:00"), [{ action: "create", record: record("eve", T("11:00")) }]),
      sweep(T("11:00"), ["eve"]),
    ]);
    expect(activeAt(window!, S("10:00"))).toBe(true);
    expect(activeAt(window!, S("10:59"))).toBe(true);
    expect(activeAt(window!, S("11:00"))).toBe(false);
    expect(activeAt(window!, S("09:59"))).toBe(false);
    expect(overlaps(window!, S("08:00"), S("10:00"))).toBe(false);
    expect(overlaps(window!, S("08:00"), S("10:01"))).toBe(true);
    expect(overlaps(window!, S("11:00"), S("12:00"))).toBe(false);
  });

  it("keeps the same id in two stacks apart and ignores events it cannot read", () => {
    const windows = accessWindows([
      apply(T("10:00"), [{ action: "create", record: record("fay", T("11:00")) }]),
      line({
        type: "apply",
        stack: "staging",
        now: T("10:00"),
        grants: [{ action: "create", record: record("fay", T("12:00")) }],
      }),
      line({ type: "apply", stack: "prod", now: "not a time", grants: [] }),
      line({ type: "failure", stack: "prod", now: T("10:30"), step: "sweep", error: "x" }),
      sweep(T("11:01"), ["fay"]),
    ]);
    expect(windows.map((w) => [w.stack, w.ending])).toEqual([
      ["prod", "expired-verified"],
      ["staging", "open"],
    ]);
  });
});
