import { describe, expect, it } from "vitest";
import { useColour } from "./colour.js";

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe("useColour", () => {
  it("colours a terminal only, and never with NO_COLOR, even in CI", () => {
    expect(useColour(tty, {})).toBe(true);
    expect(useColour(pipe, { CI: "true" })).toBe(false);
    expect(useColour(tty, { NO_COLOR: "1" })).toBe(false);
    expect(useColour(tty, { TERM: "dumb" })).toBe(false);
    expect(useColour(pipe, { FORCE_COLOR: "1" })).toBe(true);
  });
});
