import { withLedgerOptions, ledgerPathFor, type LedgerOptions } from "./ledger-options.js";
import { Command } from "commander";
import { TempgrantError } from "../../../errors.js";
import { EXIT } from "../../exit-codes.js";

interface VerifyOptions extends LedgerOptions {
  expectHead?: string;
  json: boolean;
}

/** `tempgrant audit verify`: checks the ledger's hash chain and, optionally, its head. */
export function auditVerifyCommand(): Command {
  return withLedgerOptions(new Command("verify"))
    .description(
      "Check the ledger's hash chain line by line and name the first edited, removed, reordered or inserted line; " +
        "print the head (last seq and hash) to anchor it.",
    )
    .option(
      "--expect-head <hash>",
      "fail unless the last entry has this hash: catches lines removed from the end, which the chain cannot",
    )
    .option("--json", "print the result as JSON", false)
    .addHelpText(
      "after",
      [
        "",
        "Removing the last lines leaves a shorter chain that is still valid. Keep the printed head somewhere",
        "the ledger's writers cannot change (a ticket, a signed commit) and pass it back with --expect-head.",
        "",
        "Exit codes:",
        "  0  the chain is intact (and the head is the expected one)",
        "  1  tampered: a line breaks the chain (named with its line number, seq and why), or the head differs",
        "  2  bad input: no ledger there, an empty file, not a ledger, or a malformed --expect-head",
        "",
        "Examples:",
        "  $ tempgrant audit verify",
        "  $ tempgrant audit verify --ledger /srv/audit/ledger.jsonl --json",
        '  $ tempgrant audit verify --expect-head "$(cat last-audit.head)"   # the head recorded last time',
      ].join("\n"),
    )
    .action(async (options: VerifyOptions) => {
      const { verifyLedger } = await import("../../../audit/ledger/index.js");
      const expected = options.expectHead?.trim().toLowerCase();
      if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
        throw new TempgrantError(
          "USAGE",
          `--expect-head "${options.expectHead}" is not a sha256 hash (64 hex digits, as verify prints it)`,
        );
      }
      const result = await verifyLedger(await ledgerPathFor(options), {
        ...(expected !== undefined ? { expectHead: expected } : {}),
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        const { firstBad, head, headCheck } = result;
        const lines = [
          firstBad
            ? `${result.path}: TAMPERED at line ${firstBad.line}` +
              (firstBad.seq !== null ? ` (seq ${firstBad.seq})` : "") +
              `: ${firstBad.fault}: ${firstBad.message}`
            : `${result.path}: chain intact, ${result.lines} entries`,
          head
            ? `head: seq ${head.seq} ${head.hash}` +
              (firstBad ? " (the last line; the chain is broken before it)" : "")
            : "head: none (the last line is not an entry)",
        ];
        if (headCheck && !headCheck.matches) {
          lines.push(
            `${result.path}: HEAD DIFFERS from the expected ${headCheck.expected}: ` +
              (headCheck.foundAtLine !== null
                ? `that is line ${headCheck.foundAtLine}; entries were appended after it (pass the new head to accept them)`
                : "no entry has that hash: entries were removed from the end, or the ledger was rewritten"),
          );
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      if (!result.valid) process.exitCode = EXIT.FAILURE;
    });
}
