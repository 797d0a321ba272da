import { Command } from "commander";

import type { GrantRequestOptions } from "../grant-request.js";

/** `tempgrant request`: writes a grant file for an engineer, so no one writes a timestamp by hand. */
export function requestCommand(): Command {
  return new Command("request")
    .description(
      "Write a grant file from flags: times in your time zone with the offset written out, checked as every grant is, with its digest and what to do next.",
    )
    .requiredOption("--target <name>", "the system, as the project's targets name it (orders-db)")
    .requiredOption("--access <level>", "the access level the target offers (read, write, admin, ...)")
    .requiredOption("--reason <text>", "why, in words a reviewer can judge")
    .option("--for <duration>", "how long, from --starts (or from now): 4h, 90m, 1d")
    .option(
      "--until <time>",
      "the end instead of --for: RFC 3339, or a local time such as '2026-12-03 18:00'",
    )
    .option(
      "--starts <time>",
      "a later start: RFC 3339, or a local time (default: none, active once applied)",
    )
    .option("--ticket <id>", "the ticket the work belongs to (OPS-123)")
    .option("--principal <name>", "who gets the access (default: the requester)")
    .option(
      "--requested-by <name>",
      "who asks (default: git config user.email, else user.name, else $USER; printed)",
    )
    .option(
      "--approver <name>",
      "whom you ask to approve (repeatable)",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option("--id <id>", "the grant id (default: <principal>-<target>-<access>)")
    .option("--out <file>", "the file to write; never overwritten (default: grants/<id>.yaml)")
    .option("--tz <zone>", "the IANA time zone to read and write times in (default: TZ, else the system's)")
    .option("--now <time>", "the run's clock, RFC 3339 with a zone (default: TEMPGRANT_NOW or the clock)")
    .addHelpText(
      "after",
      [
        "",
        "Times without an offset are read in your zone; a local time the zone skips or repeats (a DST",
        "change) is refused. The file is checked as every grant file is before it is written.",
        "",
        "Exit codes: 0 written; 2 a flag or the grant is invalid, or the file exists (nothing written).",
        "",
        "Examples:",
        "  $ tempgrant request --target orders-db --access read --for 4h --reason 'Look into the failed export' --ticket OPS-101 --approver bob@example.com",
        "  $ tempgrant request --target orders-db --access write --starts '2026-12-03 09:00' --until '2026-12-03 12:00' --reason 'Run the refund migration' --approver bob@example.com --approver carol@example.com",
      ].join("\n"),
    )
    .action(async (options: GrantRequestOptions) => {
      const { writeGrantRequest } = await import("../grant-request.js");
      process.stdout.write(await writeGrantRequest(options));
    });
}
