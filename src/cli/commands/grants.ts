import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { TempgrantError } from "../../errors.js";
import { useColour } from "../colour.js";
import type { Grant, LocatedProblem } from "../../grant/index.js";
import { GRANT_LISTING_FORMATS, type GrantListingFormat } from "../../report/format-names.js";

interface GrantsOptions {
  dir: string;
  app: boolean;
  chdir: string;
  at?: string;
  expiringWithin?: string;
  margin: string;
  format: GrantListingFormat;
}

/** `tempgrant grants`: the declared YAML grants and their status at an instant. */
export function grantsCommand(): Command {
  return new Command("grants")
    .description(
      "List the grants declared in YAML files, their status (pending, active, expired) at an instant, and their digests (what approvers sign).",
    )
    .argument("[files...]", "grant files to read (default: every *.yaml in --dir)")
    .option("--dir <folder>", "folder of grant files", "grants")
    .option("--app", "list the grants the cdktf app declares (TypeScript and YAML), by running it", false)
    .option("--chdir <dir>", "with --app: the project folder holding cdktf.json", ".")
    .option(
      "--at <time>",
      "the instant to evaluate, RFC 3339 with a zone (default: --now, TEMPGRANT_NOW or the clock)",
    )
    .option("--now <time>", "alias of --at, like every other command")
    .option(
      "--expiring-within <duration>",
      "only active grants that expire within this duration (e.g. 2h, 1d)",
    )
    .option("--margin <duration>", "early-revocation margin: grants end this long before their expiry", "0s")
    .addOption(
      new Option("--format <format>", "output format").choices(GRANT_LISTING_FORMATS).default("table"),
    )
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 listed, 2 a grant file or an option is invalid (one line per problem, with file:line).",
        "",
        "Examples:",
        "  $ tempgrant grants",
        "  $ tempgrant grants --at 2026-11-26T09:00:00+01:00 --expiring-within 4h",
        "  $ tempgrant grants grants/team-a.yaml --format json",
        "  $ tempgrant grants --app --chdir my-grants-repo",
      ].join("\n"),
    )
    .action(async (files: string[], options: GrantsOptions & { now?: string }) => {
      const [{ grantFilesIn }, grantModel, { grantsJson, grantsTable }, { durationOption }] =
        await Promise.all([
          import("../../constructs/yaml-grants.js"),
          import("../../grant/index.js"),
          import("../../report/grants-listing.js"),
          import("../options.js"),
        ]);
      const { formatLocatedProblem, listGrants, parseGrantsFile, resolveClock } = grantModel;
      const clock =
        options.at !== undefined
          ? resolveClock(options.at, process.env, "--at")
          : resolveClock(options.now, process.env, "--now");
      const margin = durationOption("--margin", options.margin);
      const expiringWithin =
        options.expiringWithin === undefined
          ? undefined
          : durationOption("--expiring-within", options.expiringWithin);
      const declared: { grant: Grant; source: string }[] = [];
      const problems: LocatedProblem[] = [];
      if (options.app) {
        const { declaredByApp } = await import("../../check/declared-grants.js");
        const listed = await declaredByApp(options.chdir, clock.now);
        declared.push(...listed.declared);
        problems.push(...listed.problems);
      }
      const paths = options.app ? [] : files.length > 0 ? files : grantFilesIn(options.dir);
      for (const path of paths) {
        const parsed = parseGrantsFile(readText(path), path);
        problems.push(...parsed.problems);
        for (const entry of parsed.entries) {
          problems.push(...entry.problems);
          if (entry.grant) declared.push({ grant: entry.grant, source: `${path}:${entry.line ?? "?"}` });
        }
      }
      if (problems.length > 0)
        throw new TempgrantError("INVALID_INPUT", problems.map(formatLocatedProblem).join("\n"));
      const rows = listGrants(declared, {
        now: clock.now,
        marginSeconds: margin,
        ...(expiringWithin !== undefined ? { expiringWithinSeconds: expiringWithin } : {}),
      });
      process.stdout.write(
        options.format === "json"
          ? grantsJson(rows, clock.now)
          : grantsTable(rows, clock.now, { colour: useColour() }),
      );
    });
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "no such file (grant files are YAML, usually under grants/)"
        : (error as Error).message;
    throw new TempgrantError("INVALID_INPUT", `${path}: ${reason}`);
  }
}
