import { describe, expect, it } from "vitest";
import {
  applyInstants,
  describeResult,
  grantWindows,
  simulateDay,
  type SimulationOptions,
} from "../../bench/simulation.js";
import { tempgrantCli } from "../../bench/sweep-project.js";

// The day-long simulation of bench/simulate-day.ts (`npm run simulate`), small: 40 grants
// over 2 virtual hours, a sweep every 20 minutes, real tofu and real tempgrant processes, the
// clock moved by --now. No grant may outlive its expiry by more than one interval.
const dayStart = Date.UTC(2030, 0, 7) / 1000;

describe("the simulation's schedule", () => {
  const grants = grantWindows(300, 24, 1, dayStart);

  it("is the same for the same seed, and differs for another", () => {
    expect(grantWindows(300, 24, 1, dayStart)).toEqual(grants);
    expect(grantWindows(300, 24, 2, dayStart)).not.toEqual(grants);
  });

  it("spreads windows of minutes to hours over the day, every one ending before the day does", () => {
    const durations = grants.map((grant) => grant.expiresAt - grant.startsAt);
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(5 * 60);
    expect(Math.max(...durations)).toBeLessThanOrEqual(4 * 3_600);
    expect(Math.max(...durations)).toBeGreaterThan(3_600);
    expect(Math.min(...grants.map((grant) => grant.startsAt))).toBeGreaterThan(dayStart);
    expect(Math.max(...grants.map((grant) => grant.expiresAt))).toBeLessThan(dayStart + 24 * 3_600);
  });

  it("applies every grant while it is active, within the sweep interval it starts in", () => {
    const interval = 600;
    const instants = applyInstants(grants, dayStart, interval);
    for (const grant of grants) {
      const at = instants.find((instant) => instant >= grant.startsAt);
      expect(at).toBeDefined();
      expect(at).toBeLessThan(grant.expiresAt);
      expect(Math.floor(((at ?? 0) - dayStart) / interval)).toBe(
        Math.floor((grant.startsAt - dayStart) / interval),
      );
    }
  });
});

describe("a small simulated day with real tofu", () => {
  it("revokes every grant within one sweep interval of its expiry", async () => {
    const options: SimulationOptions = {
      grants: 40,
      hours: 2,
      intervalMinutes: 20,
      seed: 1,
      cli: await tempgrantCli("source", () => {}),
    };
    const result = await simulateDay(options);
    const summary = describeResult(result, options).join("\n");
    expect(result.problems, summary).toEqual([]);
    expect([result.sweeps, result.grants.length]).toEqual([6, 40]);
    expect(result.grants.every((grant) => grant.appliedAt !== null && grant.removedAt !== null)).toBe(true);
    expect(result.maxStayed?.seconds).toBeLessThanOrEqual(20 * 60);
    // The sweep, not only the applies of later grants, did revocations that were measured.
    expect(result.grants.some((grant) => grant.removedBy === "sweep")).toBe(true);
    expect(result.sweepPhases.every((phases) => typeof phases.synth === "number")).toBe(true);
  });
});
