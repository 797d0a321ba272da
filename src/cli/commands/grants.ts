import { existsSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { useColour } from "../colour.js";
import type { Grant, LocatedProblem } from "../../grant/index.js";
import type { GrantListingFormat } from "../../report/format-names.js";
import { formatOption } from "../format-option.js";

interface GrantsOptions {
  dir?: string;
  app?: boolean;
  chdir: string;
  config?: string;
  at?: string;
  now?: string;
  expiringWithin?: string;
  margin?: string;
  format: GrantListingFormat;
}

/** `tempgrant grants`: the declared grants and their status at an instant, checked as `plan` checks them. */
export function grantsCommand(): Command {
  return new Command("grants")
    .description(
      "List the declared grants, their status (pending, active, expired) at an instant as the sweep sees them, and their digests (what approvers sign).",
    )
    .argument("[files...]", "grant files to read (default: every *.yaml in --dir)")
    .option("--dir <folder>", "folder of grant files (default: grants)")
    .option(
      "--app",
      "list the grants the cdktf app declares (TypeScript and YAML), by running it; the default in a project (cdktf.json in --chdir) when no files and no --dir are given",
    )
    .option("--no-app", "read the YAML files only, even in a project (their targets are then not checked)")
    .option("--chdir <dir>", "the project folder holding cdktf.json", ".")
    .option(
      "--config <file>",
      "tempgrant.yaml, for its revocationMargin (default: tempgrant.yaml in --chdir when present)",
    )
    .option(
      "--at <time>",
      "the instant to evaluate, RFC 3339 with a zone (default: --now, TEMPGRANT_NOW or the clock)",
    )
    .option("--now <time>", "alias of --at, like every other command")
    .option(
      "--expiring-within <duration>",
      "only active grants that expire within this duration (e.g. 2h, 1d)",
    )
    .option(
      "--margin <duration>",
      "early-revocation margin: grants end this long before their expiry (default: revocationMargin of tempgrant.yaml, else 0s)",
    )
    .addOption(formatOption("grantListing", "table"))
    .addHelpText(
      "after",
      [
        "",
        "In a project, the app is run: every grant it declares is listed, and a grant naming a target the",
        "app does not bind is a problem. A grant within the revocation margin of its expiry is listed as",
        "expired, as the sweep treats it.",
        "",
        "Exit codes: 0 listed, 2 a grant file or an option is invalid (one line per problem, with file:line).",
        "",
        "Examples:",
        "  $ tempgrant grants",
        "  $ tempgrant grants --at 2026-11-26T09:00:00+01:00 --expiring-within 4h",
        "  $ tempgrant grants grants/team-a.yaml --format json",
        "  $ tempgrant grants --chdir my-grants-repo",
      ].join("\n"),
    )
    .action(async (files: string[], options: GrantsOptions) => {
      const [
        { readGrantsFile, grantFilesIn },
        grantModel,
        { grantsJson, grantsTable },
        { durationOption, folderOption, loadCheckConfig },
      ] = await Promise.all([
        import("../../constructs/yaml-grants.js"),
        import("../../grant/index.js"),
        import("../../report/grants-listing.js"),
        import("../options.js"),
      ]);
      const { GrantProblemsError, listGrants, resolveClock } = grantModel;
      const clock =
        options.at !== undefined
          ? resolveClock(options.at, process.env, "--at")
          : resolveClock(options.now, process.env, "--now");
      folderOption("--chdir", options.chdir);
      const margin =
        options.margin !== undefined
          ? durationOption("--margin", options.margin)
          : (await loadCheckConfig(options.config, options.chdir)).revocationMarginSeconds;
      const expiringWithin =
        options.expiringWithin === undefined
          ? undefined
          : durationOption("--expiring-within", options.expiringWithin);
      const inProject = existsSync(join(options.chdir, "cdktf.json"));
      const useApp = options.app ?? (inProject && files.length === 0 && options.dir === undefined);
      const declared: { grant: Grant; source: string }[] = [];
      const problems: LocatedProblem[] = [];
      if (useApp) {
        const { declaredByApp } = await import("../../check/declared-grants.js");
        const listed = await declaredByApp(options.chdir, clock.now);
        declared.push(...listed.declared);
        problems.push(...listed.problems);
      } else {
        if (options.dir !== undefined && files.length === 0) folderOption("--dir", options.dir);
        const paths = files.length > 0 ? files : grantFilesIn(options.dir ?? "grants");
        for (const path of paths) {
          const parsed = readGrantsFile(path);
          problems.push(...parsed.problems);
          for (const entry of parsed.entries) {
            problems.push(...entry.problems);
            if (entry.grant) declared.push({ grant: entry.grant, source: `${path}:${entry.line ?? "?"}` });
          }
        }
      }
      if (problems.length > 0) throw new GrantProblemsError(problems);
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
