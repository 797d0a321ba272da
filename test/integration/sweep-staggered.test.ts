import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLedger, verifyLedger, type ApplyEvent } from "../../src/audit/ledger/index.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { GRANT_RECORD_MARKER } from "../../src/grant/record.js";
import { resolveEngine, showJson } from "../../src/runner/index.js";
import { makeProject } from "../support/cdktf-project.js";
import { runCli } from "../support/cli.js";

// Staggered expiries: 20 grants, each expiring at its own instant, applied once; then
// `tempgrant sweep` (the real CLI, real tofu, local state) at successive --now instants
// revokes exactly the grants whose time is up, and the ledger records each revocation and
// its verification. The clock only moves through --now.
//
// A grant is active on [startsAt, expiresAt - margin) (docs/grants.md). With a margin of
// 5 minutes the sweeps hit both sides of that boundary (one second before it, exactly on
// it) and land exactly on expiry instants too.
//
// What this does not prove: each grant's record is tempgrant's provider's tempgrant_grant,
// but its access is a built-in terraform_data (a CustomTarget), not a PostgreSQL role. The
// issue's "real logins fail and sessions are killed" (pg_terminate_backend) is not shown;
// the revocation is verified from the state and by the sweep's re-plan.
const minute = 60;
const margin = 5 * minute;
const t0 = Math.floor(Date.now() / 1000) + 60;
const at = (seconds: number) => formatTimestamp(seconds);
const ids = Array.from({ length: 20 }, (_, i) => `g${String(i + 1).padStart(2, "0")}`);
/** g01 expires at t0+10m, g02 at t0+20m, ... g20 at t0+200m. */
const expiry = (id: string) => t0 + Number(id.slice(1)) * 10 * minute;
/** The first instant at which the grant is no longer active. */
const revokedFrom = (id: string) => expiry(id) - margin;

const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const config = join(project.dir, "tempgrant.yaml");
const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");
const workspace = {
  engine: resolveEngine(),
  workingDir: join(project.dir, "cdktf.out", "stacks", "ledger"),
  lockTimeout: "30s",
};

async function stateAddresses(): Promise<string[]> {
  const state = (await showJson(workspace)) as {
    values?: { root_module?: { resources?: { address: string }[] } };
  };
  return (state.values?.root_module?.resources ?? []).map((r) => r.address).sort();
}
const addressesOf = (grants: readonly string[]) =>
  grants.flatMap((id) => [`tempgrant_grant.grant_${id}`, `terraform_data.grant_${id}_access`]).sort();

// Each sweep's instant and the grants it must revoke (all earlier ones are already gone).
const sweeps: { now: number; why: string; revokes: string[] }[] = [
  { now: revokedFrom("g01") - 1, why: "one second before g01's end", revokes: [] },
  { now: revokedFrom("g01"), why: "exactly at g01's expiry minus the margin", revokes: ["g01"] },
  { now: expiry("g03"), why: "exactly at g03's expiry instant", revokes: ["g02", "g03"] },
  {
    now: revokedFrom("g10") - 1,
    why: "one second before g10's end",
    revokes: ["g04", "g05", "g06", "g07", "g08", "g09"],
  },
  { now: expiry("g10") + 934, why: "between two expiries", revokes: ["g10", "g11", "g12"] },
  { now: expiry("g20"), why: "exactly at the last expiry instant", revokes: ids.slice(12) },
];

describe("tempgrant sweep over 20 staggered expiries", () => {
  it("applies the 20 grants", async () => {
    writeFileSync(config, "revocationMargin: 5m\n");
    project.writeGrants(ids.map((id) => ({ id, expiresAt: at(expiry(id)) })));
    const result = await runCli(["apply", "--chdir", project.dir, "--config", config, "--now", at(t0)]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(await stateAddresses()).toEqual(addressesOf(ids));
    expect((await readLedger(ledger)).map((entry) => entry.event.type)).toEqual(["apply"]);
  });

  let remaining = [...ids];
  for (const [index, sweep] of sweeps.entries()) {
    it(`sweep ${index + 1} at t0+${sweep.now - t0}s (${sweep.why}) revokes ${sweep.revokes.join(", ") || "nothing"}`, async () => {
      const seen = (await readLedger(ledger)).length;
      const result = await runCli([
        "sweep",
        "--chdir",
        project.dir,
        "--config",
        config,
        "--now",
        at(sweep.now),
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      remaining = remaining.filter((id) => !sweep.revokes.includes(id));
      const next = remaining[0];
      const revoked = sweep.revokes.length > 0 ? ` (${sweep.revokes.join(", ")})` : "";
      expect(result.stdout.trim().split("\n")).toEqual([
        `ledger: revoked ${sweep.revokes.length} grant(s)${revoked}, verified`,
        "ledger: 0 other change(s) pending",
        `ledger: next expiry ${next ? `${at(expiry(next))} (${next})` : "none"}`,
      ]);

      // The real state: exactly the remaining grants' records and access, nothing else.
      expect(await stateAddresses()).toEqual(addressesOf(remaining));

      const entries = await readLedger(ledger);
      const applied = new Map(
        (entries[0]?.event as ApplyEvent).grants.map((grant) => [grant.record.id, grant.record]),
      );
      const events = entries.slice(seen).map((entry) => entry.event as unknown as Record<string, unknown>);
      // A sweep that applies writes an event before acting, then its outcome and verification.
      const started = sweep.revokes.length === 0 ? undefined : events.shift();
      const [event, verification, ...more] = events;
      expect(more).toEqual([]);
      if (started) {
        expect(started).toMatchObject({ type: "sweep-started", stack: "ledger", now: at(sweep.now) });
        expect([...(started.grants as string[])].sort()).toEqual(sweep.revokes);
      }
      expect(event).toMatchObject({ type: "sweep", stack: "ledger", now: at(sweep.now), verified: true });
      expect((event?.revoked as { id: string }[]).map((r) => r.id).sort()).toEqual(sweep.revokes);
      // Event version 2: each revoked record as the plan wrote it, the apply event's shape, with
      // what the policy's view (version 1) lacked: the marker, the expiry's text, its own digest.
      expect(event?.version).toBe(2);
      for (const { id, record } of event?.revoked as { id: string; record: Record<string, unknown> }[]) {
        expect(record).toMatchObject({ tempgrant: GRANT_RECORD_MARKER, id, expiresAt: at(expiry(id)) });
        expect(record).toEqual(applied.get(id));
      }
      if (sweep.revokes.length === 0) {
        // Nothing applied: no verification event, the state untouched.
        expect(verification).toBeUndefined();
        expect(event?.planSha256).toBeNull();
        expect(event?.stateSerialAfter).toBe(event?.stateSerialBefore);
      } else {
        expect(verification).toEqual({
          type: "verification",
          version: 2,
          stack: "ledger",
          now: at(sweep.now),
          grants: expect.any(Array),
          verified: true,
          method: "re-plan",
        });
        expect([...(verification?.grants as string[])].sort()).toEqual(sweep.revokes);
        expect(event?.stateSerialAfter).toBeGreaterThan(event?.stateSerialBefore as number);
      }
    });
  }

  it("leaves a ledger whose chain verifies: one apply, six sweeps (five started), five verifications", async () => {
    const entries = await readLedger(ledger);
    const count = (type: string) => entries.filter((entry) => entry.event.type === type).length;
    expect([
      count("apply"),
      count("sweep-started"),
      count("sweep"),
      count("verification"),
      count("failure"),
    ]).toEqual([1, 5, 6, 5, 0]);
    expect((await verifyLedger(ledger)).valid).toBe(true);
  });
});
