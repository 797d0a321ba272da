import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Grant } from "../grant/model.js";
import { grantDigest } from "./digest.js";

const grant: Grant = {
  id: "alice-db-read",
  principal: "alice",
  target: "postgresql",
  access: "read",
  startsAt: undefined,
  expiresAt: Date.UTC(2026, 11, 2, 18) / 1000,
  reason: "incident 42",
  ticket: undefined,
  requestedBy: "alice",
  approvedBy: ["bob"],
  breakGlass: false,
  credential: undefined,
};

describe("grantDigest", () => {
  it("is SHA-256 over the RFC 8785 text, written out by hand here", () => {
    // Keys sorted by UTF-16 code units, no blanks, as RFC 8785 writes them.
    const text =
      '{"access":"read","breakGlass":false,"credential":null,"digest":"tempgrant.grant-digest/v1",' +
      '"expiresAt":"2026-12-02T18:00:00Z","id":"alice-db-read","principal":"alice",' +
      '"reason":"incident 42","requestedBy":"alice","startsAt":null,"target":"postgresql","ticket":null}';
    expect(grantDigest(grant)).toBe(`sha256:${createHash("sha256").update(text).digest("hex")}`);
  });

  it("changes with every field that defines the access, and not with approvedBy", () => {
    const base = grantDigest(grant);
    const variants: Partial<Grant>[] = [
      { id: "other" },
      { principal: "mallory" },
      { target: "postgresql-prod" },
      { access: "write" },
      { startsAt: grant.expiresAt - 3600 },
      { expiresAt: grant.expiresAt + 1 },
      { breakGlass: true },
      { credential: "SCRAM-SHA-256$4096:c2FsdA==$a:b" },
      { reason: "incident 43" },
      { ticket: "OPS-1" },
      { requestedBy: "bob" },
    ];
    for (const change of variants) expect(grantDigest({ ...grant, ...change })).not.toBe(base);
    expect(grantDigest({ ...grant, approvedBy: ["carol", "dave"] })).toBe(base);
  });
});
