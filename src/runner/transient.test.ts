import { describe, expect, it } from "vitest";
import { wrapStep } from "../errors.js";
import { CommandFailedError } from "../exec/run-command.js";
import { isStalePlan, isTransientFailure, withRetries } from "./transient.js";

const failed = (stderr: string) =>
  new CommandFailedError({ program: "tofu", args: ["plan"] }, { exitCode: 1, stdout: "", stderr });
const lockHeld = () => failed("Error: Error acquiring the state lock\n\nLock Info: ...");

describe("transient failures", () => {
  it("recognizes a held lock and an unreachable backend, even when wrapped", () => {
    expect(isTransientFailure(lockHeld())).toBe(true);
    expect(
      isTransientFailure(
        wrapStep("sweep prod: plan", failed("dial tcp 127.0.0.1:5432: connect: connection refused")),
      ),
    ).toBe(true);
    expect(isTransientFailure(failed("Error: Invalid reference"))).toBe(false);
    expect(isTransientFailure(new Error("boom"))).toBe(false);
  });

  it("retries transient failures a bounded number of times, then gives up", async () => {
    let calls = 0;
    const retried: number[] = [];
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw lockHeld();
        },
        { retries: 2, baseDelayMs: 1, onRetry: (attempt) => retried.push(attempt) },
      ),
    ).rejects.toThrow(/state lock/);
    expect([calls, retried]).toEqual([3, [1, 2]]);
  });

  it("never retries a permanent failure, and returns a later success", async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw failed("Error: Invalid reference");
        },
        { baseDelayMs: 1 },
      ),
    ).rejects.toThrow(/Invalid reference/);
    expect(calls).toBe(1);
    let attempts = 0;
    const value = await withRetries(
      async () => {
        attempts += 1;
        if (attempts < 2) throw lockHeld();
        return "done";
      },
      { baseDelayMs: 1 },
    );
    expect([value, attempts]).toEqual(["done", 2]);
  });
});

describe("stale saved plans", () => {
  it("recognizes the engine's refusal of a saved plan the state has moved past, even when wrapped", () => {
    const stale = failed(
      "Error: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed",
    );
    expect(isStalePlan(wrapStep("sweep prod: apply revocations", stale))).toBe(true);
    expect(isStalePlan(lockHeld())).toBe(false);
    expect(isTransientFailure(stale)).toBe(false);
  });
});
