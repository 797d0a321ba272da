import { describe, expect, it } from "vitest";
import { sweepEventBody } from "./sweep-event.js";
import type { SweepStackResult } from "./sweep-stack.js";

// The lines below are the sweep events the CLI wrote before the ledger owned its event
// types (`{ type: "sweep", ...outcome, phases, invalidGrants, nextExpiry, degraded }` in
// run-sweep.ts), checked against that code for these outcomes: the mapping must write the
// same bytes, key order included, or old and new lines of one ledger would differ in form.
const outcome: SweepStackResult = {
  stack: "prod",
  now: "2027-01-12T03:00:00Z",
  dryRun: false,
  revoked: [
    { id: "a", record: { id: "a", binding: "postgresql", expiresAt: 5 }, addresses: ["x.y"] },
    { id: "b", record: null, addresses: ["z"], leftover: true },
  ],
  pending: [{ address: "p.q", action: "create" }],
  planSha256: "ab".repeat(32),
  stateSerialBefore: 3,
  stateSerialAfter: 4,
  verified: true,
  targetChecks: [{ grant: "a", method: "postgresql", ok: true, detail: "gone" }],
  heldBefore: ["a"],
  durationSeconds: 9,
  phases: { init: 1, plan: 2, check: 0.5, apply: 3, verify: 1.5 },
};
const extras = { synthSeconds: 7, invalidGrants: ["i"], nextExpiry: "2027-01-13T00:00:00Z" };
const head =
  '{"type":"sweep","stack":"prod","now":"2027-01-12T03:00:00Z","dryRun":false,' +
  '"revoked":[{"id":"a","record":{"id":"a","binding":"postgresql","expiresAt":5},"addresses":["x.y"]},' +
  '{"id":"b","record":null,"addresses":["z"],"leftover":true}],"pending":[{"address":"p.q","action":"create"}],' +
  `"planSha256":"${"ab".repeat(32)}","stateSerialBefore":3,"stateSerialAfter":4,"verified":true,`;
const checks = '"targetChecks":[{"grant":"a","method":"postgresql","ok":true,"detail":"gone"}],';
const timing =
  '"durationSeconds":9,"phases":{"synth":7,"init":1,"plan":2,"check":0.5,"apply":3,"verify":1.5},';
const tail = '"invalidGrants":["i"],"nextExpiry":"2027-01-13T00:00:00Z"';
const written = (body: object) => JSON.stringify({ type: "sweep", ...body });

describe("the sweep event the ledger stores", () => {
  it("is written as it always was for a normal sweep", () => {
    expect(written(sweepEventBody(outcome, extras))).toBe(`${head}${checks}${timing}${tail}}`);
  });

  it("keeps a stack's own degradation after the phases, and drops what the sweep adds", () => {
    const { targetChecks: _none, ...fromState } = outcome;
    const degraded = {
      ...fromState,
      degraded: {
        reason: "synth: boom",
        unknownGrants: [{ id: "c", expiresAt: null }],
        configuration: "last-good" as const,
      },
    };
    expect(written(sweepEventBody(degraded, extras))).toBe(
      `${head}${timing}"degraded":{"reason":"synth: boom","unknownGrants":[{"id":"c","expiresAt":null}],` +
        `"configuration":"last-good"},${tail}}`,
    );
    expect(written(sweepEventBody(degraded, extras))).not.toContain("heldBefore");
  });

  it("puts the run's degradation (tempgrant.yaml unreadable) last", () => {
    const runDegraded = {
      reason: "tempgrant.yaml: bad",
      unknownGrants: [],
      configuration: "current" as const,
    };
    expect(written(sweepEventBody(outcome, { ...extras, runDegraded }))).toBe(
      `${head}${checks}${timing}${tail},"degraded":{"reason":"tempgrant.yaml: bad","unknownGrants":[],"configuration":"current"}}`,
    );
  });

  it('marks a fast sweep with path "state", last', () => {
    expect(written(sweepEventBody(outcome, { ...extras, path: "state" }))).toBe(
      `${head}${checks}${timing}${tail},"path":"state"}`,
    );
  });
});
