import { describe, expect, it } from "vitest";
import { wrapStep } from "../errors.js";
import { CommandFailedError } from "../exec/run-command.js";
import { STATE_NOT_SAVED, stateNotSaved } from "./apply.js";
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

describe("an apply whose state the backend did not take", () => {
  // What tofu 1.12 prints when the pg backend goes away during an apply (trimmed).
  const persistFailed = () =>
    new CommandFailedError(
      { program: "tofu", args: ["apply", "p.tfplan"], cwd: "/w/stacks/prod" },
      {
        exitCode: 1,
        stdout: "terraform_data.a: Destruction complete after 0s\n",
        stderr: [
          "Error: Failed to save state",
          "",
          "Error saving state: dial tcp 127.0.0.1:5432: connect: connection refused",
          "",
          "Error: Failed to persist state to backend",
          "",
          'to the file "errored.tfstate" in the current working directory.',
          "",
          "Error: Error releasing the state lock",
          "",
          "Error message: dial tcp 127.0.0.1:5432: connect: connection refused",
        ].join("\n"),
      },
    );

  it("becomes one line that names errored.tfstate and the cause, and is never retried", async () => {
    const error = stateNotSaved({ workingDir: "/w/stacks/prod" }, persistFailed());
    expect(error?.code).toBe(STATE_NOT_SAVED);
    expect(error?.message).not.toContain("\n");
    expect(error?.message).toMatch(
      /^the apply ran, but its state could not be saved to the backend \(dial tcp 127\.0\.0\.1:5432: connect: connection refused\); the engine wrote it to \/w\/stacks\/prod\/errored\.tfstate\. Run the sweep again/,
    );
    // Its cause reads like a lost connection, which alone would be retried.
    expect(isTransientFailure(persistFailed())).toBe(true);
    expect(isTransientFailure(wrapStep("sweep prod: apply revocations", error))).toBe(false);
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw wrapStep("apply revocations", error);
        },
        { baseDelayMs: 1 },
      ),
    ).rejects.toThrow(/could not be saved/);
    expect(calls).toBe(1);
  });

  it("leaves every other failure as it was", () => {
    expect(stateNotSaved({ workingDir: "/w" }, lockHeld())).toBeUndefined();
    expect(stateNotSaved({ workingDir: "/w" }, new Error("boom"))).toBeUndefined();
  });
});
