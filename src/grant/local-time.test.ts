import { describe, expect, it } from "vitest";
import { formatTimestampInZone, parseTimeInZone } from "./local-time.js";

const seconds = (text: string) => {
  const parsed = parseTimeInZone(text, "America/New_York");
  return parsed.ok ? parsed.instant.seconds : parsed.code;
};

describe("times in the engineer's zone", () => {
  it("reads a local time with the zone's offset then, and RFC 3339 as it stands", () => {
    expect(seconds("2027-01-15 09:00")).toBe(Date.UTC(2027, 0, 15, 14) / 1000);
    expect(seconds("2027-07-15T09:00:30")).toBe(Date.UTC(2027, 6, 15, 13, 0, 30) / 1000);
    expect(seconds("2027-07-15T09:00:00Z")).toBe(Date.UTC(2027, 6, 15, 9) / 1000);
  });

  it("refuses a local time the clocks skip or repeat, and a bad date", () => {
    expect(seconds("2027-03-14 02:30")).toBe("TIME_SKIPPED");
    expect(seconds("2027-11-07 01:30")).toBe("TIME_AMBIGUOUS");
    expect(seconds("2027-02-30 09:00")).toBe("TIME_IMPOSSIBLE");
  });

  it("writes an instant in a zone with its offset, and UTC with Z", () => {
    const instant = Date.UTC(2027, 0, 15, 14) / 1000;
    expect(formatTimestampInZone(instant, "America/New_York")).toBe("2027-01-15T09:00:00-05:00");
    expect(formatTimestampInZone(instant, "Asia/Kathmandu")).toBe("2027-01-15T19:45:00+05:45");
    expect(formatTimestampInZone(instant, "UTC")).toBe("2027-01-15T14:00:00Z");
  });
});
