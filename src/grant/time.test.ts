import { describe, expect, it } from "vitest";
import { formatTimestamp, offsetInZone, parseTimestamp } from "./time.js";

const seconds = (text: string) => {
  const parsed = parseTimestamp(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.instant.seconds;
};
const code = (text: string) => {
  const parsed = parseTimestamp(text);
  return parsed.ok ? "ok" : parsed.code;
};

describe("parseTimestamp", () => {
  it("normalizes Z and offsets to the same UTC instant", () => {
    const utc = seconds("2026-11-25T18:00:00Z");
    expect(utc).toBe(Date.UTC(2026, 10, 25, 18) / 1000);
    expect(seconds("2026-11-25T19:00:00+01:00")).toBe(utc);
    expect(seconds("2026-11-25T12:30:00-05:30")).toBe(utc);
    expect(seconds("2026-11-26T03:45:00+09:45")).toBe(utc);
    expect(seconds("2026-11-25t18:00:00z")).toBe(utc);
    expect(seconds("2026-11-25 18:00:00Z")).toBe(utc);
  });

  it("reads tempgrant's own form as the full parser reads the same instant spelled otherwise", () => {
    // The canonical form takes a shortcut; "+00:00" goes through the regular expression.
    for (let instant = 0; instant < 4_200_000_000; instant += 7_919_993) {
      const canonical = formatTimestamp(instant);
      expect([canonical, seconds(canonical)]).toEqual([canonical, seconds(canonical.replace("Z", "+00:00"))]);
    }
    for (const text of [
      "2027-02-29T00:00:00Z",
      "2028-02-30T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-11-25T24:00:00Z",
      "2026-11-25T18:60:00Z",
      "2026-11-25T18:00:60Z",
      "1969-12-31T23:59:59Z",
      "2026-11-2xT18:00:00Z",
      "2026-11-25X18:00:00Z",
    ]) {
      expect([text, code(text)]).toEqual([text, code(text.replace("Z", "+00:00"))]);
      expect(code(text)).not.toBe("ok");
    }
    expect(seconds("2028-02-29T23:59:59Z")).toBe(Date.UTC(2028, 1, 29, 23, 59, 59) / 1000);
  });

  it("rejects timestamps without a zone, and -00:00 (zone unknown)", () => {
    expect(code("2026-11-25T18:00:00")).toBe("TIME_NO_ZONE");
    expect(code("2026-11-25T18:00:00-00:00")).toBe("TIME_NO_ZONE");
    expect(parseTimestamp("2026-11-25T18:00:00")).toMatchObject({
      message: expect.stringMatching(/has no zone/),
    });
  });

  it("rejects what is not RFC 3339", () => {
    for (const text of [
      "",
      "tomorrow",
      "2026-11-25",
      "2026-11-25T18:00Z",
      "1764093600",
      "2026-1-5T18:00:00Z",
    ]) {
      expect(code(text)).toBe("TIME_FORMAT");
    }
  });

  it("accepts 29 February only in leap years", () => {
    expect(code("2028-02-29T00:00:00Z")).toBe("ok");
    expect(code("2000-02-29T00:00:00Z")).toBe("ok");
    expect(code("2027-02-29T00:00:00Z")).toBe("TIME_IMPOSSIBLE");
    expect(code("2100-02-29T00:00:00Z")).toBe("TIME_IMPOSSIBLE");
    expect(seconds("2028-03-01T00:00:00Z") - seconds("2028-02-28T00:00:00Z")).toBe(2 * 86_400);
  });

  it("rejects impossible dates, times and offsets", () => {
    for (const text of [
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-11-25T24:00:00Z",
      "2026-11-25T18:60:00Z",
      "2026-12-31T23:59:60Z",
      "2026-11-25T18:00:00+24:00",
      "2026-11-25T18:00:00+01:60",
      "1969-12-31T23:59:59Z",
    ]) {
      expect([text, code(text)]).toEqual([text, "TIME_IMPOSSIBLE"]);
    }
  });

  it("reports a dropped sub-second fraction so callers can round safely", () => {
    expect(parseTimestamp("2026-11-25T18:00:00.250Z")).toEqual({
      ok: true,
      instant: { seconds: seconds("2026-11-25T18:00:00Z"), hadFraction: true },
    });
    expect(parseTimestamp("2026-11-25T18:00:00.000Z")).toMatchObject({ instant: { hadFraction: false } });
  });

  describe("across DST transitions (Europe/Berlin: 2026-03-29 01:00Z and 2026-10-25 01:00Z)", () => {
    it("counts real elapsed time across the spring gap and the autumn repeat", () => {
      expect(seconds("2026-03-29T03:00:00+02:00") - seconds("2026-03-29T01:00:00+01:00")).toBe(3_600);
      expect(seconds("2026-10-25T02:30:00+01:00") - seconds("2026-10-25T02:30:00+02:00")).toBe(3_600);
    });

    it("checks an RFC 9557 zone suffix against the offset and refuses skipped local times", () => {
      expect(code("2026-07-01T12:00:00+02:00[Europe/Berlin]")).toBe("ok");
      expect(code("2026-07-01T12:00:00+01:00[Europe/Berlin]")).toBe("TIME_NOT_IN_ZONE");
      // 02:30 does not exist in Berlin on 29 March 2026: neither offset makes it a local time.
      expect(code("2026-03-29T02:30:00+01:00[Europe/Berlin]")).toBe("TIME_NOT_IN_ZONE");
      expect(code("2026-03-29T02:30:00+02:00[Europe/Berlin]")).toBe("TIME_NOT_IN_ZONE");
      // 02:30 happens twice on 25 October 2026: the offset says which, so both are accepted.
      expect(code("2026-10-25T02:30:00+02:00[Europe/Berlin]")).toBe("ok");
      expect(code("2026-10-25T02:30:00+01:00[Europe/Berlin]")).toBe("ok");
      expect(code("2026-10-25T02:30:00+01:00[Mars/Olympus]")).toBe("TIME_ZONE_UNKNOWN");
    });

    it("reads zone offsets at an instant", () => {
      expect(offsetInZone("Europe/Berlin", seconds("2026-01-15T12:00:00Z"))).toBe(60);
      expect(offsetInZone("Europe/Berlin", seconds("2026-07-15T12:00:00Z"))).toBe(120);
      expect(offsetInZone("UTC", seconds("2026-07-15T12:00:00Z"))).toBe(0);
      expect(offsetInZone("America/St_Johns", seconds("2026-01-15T12:00:00Z"))).toBe(-210);
    });
  });
});

describe("formatting", () => {
  it("round-trips through RFC 3339 UTC", () => {
    expect(formatTimestamp(seconds("2026-11-25T19:00:00+01:00"))).toBe("2026-11-25T18:00:00Z");
  });
});
