import { describe, expect, it } from "vitest";
import { parseTimestamp } from "../../grant/time.js";
import { formatPostgresTimestamp, parsePostgresTimestamp } from "./timestamp.js";

const seconds = (text: string) => {
  const parsed = parseTimestamp(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.instant.seconds;
};

describe("PostgreSQL's text form of a timestamptz", () => {
  it("writes PostgreSQL's own text form of a timestamptz in UTC", () => {
    expect(formatPostgresTimestamp(seconds("2028-02-29T23:59:59+00:00"))).toBe("2028-02-29 23:59:59+00");
  });

  it("reads back what it writes, and nothing in another zone or form", () => {
    const instant = seconds("2027-01-11T17:00:00+02:00");
    expect(parsePostgresTimestamp(formatPostgresTimestamp(instant))).toBe(instant);
    for (const other of ["2027-01-11 17:00:00+02", "2027-01-11T15:00:00Z", "infinity", 1_800_000_000, null])
      expect(parsePostgresTimestamp(other), String(other)).toBeUndefined();
  });
});
