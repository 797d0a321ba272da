import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("durations", () => {
  it("parses units and compounds into seconds", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("15m")).toBe(900);
    expect(parseDuration("2h")).toBe(7_200);
    expect(parseDuration("7d")).toBe(604_800);
    expect(parseDuration("1w")).toBe(604_800);
    expect(parseDuration("1h30m")).toBe(5_400);
    expect(parseDuration(" 0s ")).toBe(0);
  });

  it("refuses months, decimals, signs, blanks and bare numbers", () => {
    for (const text of ["1mo", "1y", "1.5h", "-2h", "", "h", "10", "2 h"])
      expect(parseDuration(text)).toBeUndefined();
  });

  it("formats seconds compactly", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(93_784)).toBe("1d2h3m4s");
    expect(formatDuration(-3_600)).toBe("-1h");
  });
});
