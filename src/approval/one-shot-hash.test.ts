import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashBytes, hashHex } from "./one-shot-hash.js";

describe("one-shot hashes", () => {
  it("give what a Hash object gives, for text (as UTF-8) and bytes", () => {
    for (const algorithm of ["sha256", "sha512"])
      for (const data of ["", "tempgrant", "é ✓ 𝄞", Buffer.from([0, 255, 1, 128])]) {
        const expected = createHash(algorithm).update(data).digest();
        expect(hashBytes(algorithm, data).equals(expected)).toBe(true);
        expect(hashHex(algorithm, data)).toBe(expected.toString("hex"));
      }
  });
});
