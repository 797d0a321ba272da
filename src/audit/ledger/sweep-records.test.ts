import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GRANT_RECORD_MARKER, type GrantRecord } from "../../grant/record.js";
import { parseLedgerLine, type LedgerEntry } from "./entry.js";
import { revokedRecord } from "./sweep-records.js";

// A ledger as tempgrant wrote it before event version 2 (test/audit/fixtures/README.md):
// an apply of ann and eve, then a full sweep revoking each.
const FIXTURE = join(import.meta.dirname, "../../../test/audit/fixtures/ledger-v1.jsonl");
const entries = readFileSync(FIXTURE, "utf8")
  .trimEnd()
  .split("\n")
  .map((line) => {
    const parsed = parseLedgerLine(line);
    if (!parsed.ok) throw new Error(parsed.why);
    return parsed.entry;
  });
const events = entries.map((entry: LedgerEntry) => entry.event as unknown as Record<string, unknown>);
const applied = (events[0]!.grants as { record: GrantRecord }[]).map((grant) => grant.record);
const sweeps = events.filter((event) => event.type === "sweep");
const revoked = (event: Record<string, unknown>) =>
  (event.revoked as { id: string; record: Record<string, unknown> }[])[0]!;

describe("what a version-1 full sweep stored of a revoked record: the policy view", () => {
  const written = applied.find((record) => record.id === "ann")!;
  const view = revoked(sweeps[0]!).record;

  it("drops the marker, converts the timestamps to epoch seconds and adds folded keys and approvers", () => {
    expect(view.id).toBe("ann");
    const onlyInView = Object.keys(view).filter((key) => !(key in written));
    const onlyWritten = Object.keys(written).filter((key) => !(key in view));
    expect(onlyInView.sort()).toEqual([
      "accessKey",
      "approverKeys",
      "approvers",
      "expiresAtText",
      "principalKey",
      "requestedByKey",
      "startsAt",
    ]);
    expect(onlyWritten).toEqual(["tempgrant"]);
    expect([written.expiresAt, view.expiresAt, view.expiresAtText]).toEqual([
      "2030-01-07T11:00:00Z",
      Date.parse("2030-01-07T11:00:00Z") / 1000,
      "2030-01-07T11:00:00Z",
    ]);
    // Absent from the record, null in the view; and the view's digest is the check's, recomputed.
    expect([written.startsAt, view.startsAt]).toEqual([undefined, null]);
    expect(view.digest).toBe(written.digest);
  });
});

describe("revokedRecord", () => {
  it("turns a version-1 view back into the record as written, but for the digest it never held", () => {
    for (const sweep of sweeps) {
      const { id, record } = revoked(sweep);
      const { digest: _digest, ...written } = applied.find((item) => item.id === id)!;
      expect(revokedRecord(sweep, record)).toEqual(written);
    }
  });

  it("keeps a view's start, in RFC 3339 UTC", () => {
    const view = { ...revoked(sweeps[0]!).record, startsAt: Date.parse("2030-01-07T10:30:00Z") / 1000 };
    expect(revokedRecord(sweeps[0]!, view)).toMatchObject({ startsAt: "2030-01-07T10:30:00Z" });
  });

  it("reads a record as written as it is, in either version", () => {
    const written = applied[1]!;
    expect(revokedRecord({ ...sweeps[1], version: 2 }, written)).toBe(written);
    // A version-1 sweep from the state (degraded, fast path) stored the record as written already.
    expect(revokedRecord(sweeps[1]!, written)).toBe(written);
  });

  it("gives null for a leftover with no record, and never reads a view from a version-2 event", () => {
    const view = revoked(sweeps[0]!).record;
    expect(revokedRecord(sweeps[0]!, null)).toBeNull();
    expect(revokedRecord({ ...sweeps[0], version: 2 }, view)).toBeNull();
    expect(revokedRecord(sweeps[0]!, { id: "x", binding: "custom" })).toBeNull();
    expect(revokedRecord(sweeps[0]!, view)).toMatchObject({ tempgrant: GRANT_RECORD_MARKER, id: "ann" });
  });
});
