import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { FORMAT_NAMES, resolveFormat, type OutputKind } from "../report/format-names.js";
import { formatOption } from "./format-option.js";

/** `--format` as a command of this kind parses it, or commander's error. */
function parseFormat(kind: OutputKind, args: string[]): string | CommanderError {
  const command = new Command("probe")
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .addOption(formatOption(kind, FORMAT_NAMES[kind][0]));
  try {
    command.parse(args, { from: "user" });
  } catch (error) {
    return error as CommanderError;
  }
  return command.opts<{ format: string }>().format;
}

describe("one format registry, one name per format", () => {
  it("spells each format one way in every kind that has it", () => {
    const markdown = Object.values(FORMAT_NAMES).filter((names) =>
      (names as readonly string[]).some((name) => name === "markdown" || name === "md"),
    );
    expect(markdown.length).toBeGreaterThanOrEqual(3);
    for (const names of markdown) expect(names).toContain("markdown");
    for (const names of Object.values(FORMAT_NAMES)) expect(names).not.toContain("md");
  });

  it("reads the deprecated md as markdown where markdown is a format, and nowhere else", () => {
    expect(parseFormat("auditReport", ["--format", "md"])).toBe("markdown");
    expect(parseFormat("check", ["--format", "md"])).toBe("markdown");
    expect(parseFormat("auditDiff", ["--format", "markdown"])).toBe("markdown");
    expect(resolveFormat("grantListing", "md")).toBeUndefined();
    expect(resolveFormat("check", "toString")).toBeUndefined();
  });

  it("refuses a name it does not know as commander refuses a choice, naming the choices (exit 2)", () => {
    const error = parseFormat("grantListing", ["--format", "md"]);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).code).toBe("commander.invalidArgument");
    expect((error as CommanderError).message).toBe(
      "error: option '--format <format>' argument 'md' is invalid. Allowed choices are table, json.",
    );
  });

  it("says the deprecated alias in --help only where it is accepted", () => {
    expect(formatOption("auditReport", "html").description).toContain("md (deprecated: markdown)");
    expect(formatOption("grantListing", "table").description).toBe("output format");
  });
});
