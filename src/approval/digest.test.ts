import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Grant } from "../grant/model.js";
import canonicalize from "canonicalize";
import { grantDigest, grantDigestContent } from "./digest.js";

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

  it("writes the canonical text exactly as the canonicalize package does, whatever the text", () => {
    // grantDigest hands the content to JSON.stringify as it is: its keys must be in RFC 8785
    // order, and every string must come out as RFC 8785 writes it.
    const content = grantDigestContent(grant);
    expect(Object.keys(content)).toEqual(Object.keys(content).sort());
    const texts = [
      "plain",
      'quote " and backslash \\ and slash /',
      "controls \u0000\u0001\u001f\t\n\r\b\f and DEL \u007f",
      "accents é, ﬁ ligature, fullwidth ａｌｉｃｅ, Cyrillic а",
      "emoji 😀 (a surrogate pair), CJK 漢字, RTL עברית",
      "line separator \u2028 paragraph \u2029",
      "",
    ];
    for (const text of texts) {
      const variant: Grant = {
        ...grant,
        reason: text,
        principal: `p ${text}`,
        ticket: text,
        credential: text,
      };
      const expected = canonicalize(grantDigestContent(variant))!;
      expect(grantDigest(variant)).toBe(`sha256:${createHash("sha256").update(expected).digest("hex")}`);
    }
  });

  it("refuses half a surrogate pair, which has no canonical form", () => {
    expect(() => grantDigest({ ...grant, reason: "x\ud800y" })).toThrow(/cannot be canonicalized/);
  });
});
