import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultHelperCount } from "./evaluation-helpers.js";

describe("helper threads for large plans", () => {
  it("defaults to one per core beyond the main thread's, at most 3", () => {
    expect(defaultHelperCount({})).toBe(Math.max(0, Math.min(3, availableParallelism() - 1)));
  });

  it("takes TEMPGRANT_POLICY_THREADS, 0 included", () => {
    expect(defaultHelperCount({ TEMPGRANT_POLICY_THREADS: "0" })).toBe(0);
    expect(defaultHelperCount({ TEMPGRANT_POLICY_THREADS: "5" })).toBe(5);
  });

  it("refuses anything but a whole number up to 16, saying which variable", () => {
    for (const bad of ["-1", "two", "1.5", "99"]) {
      expect(() => defaultHelperCount({ TEMPGRANT_POLICY_THREADS: bad })).toThrow(
        /TEMPGRANT_POLICY_THREADS is ".*": give a whole number/,
      );
    }
  });
});
