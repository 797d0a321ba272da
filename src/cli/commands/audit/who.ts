import { withLedgerOptions, ledgerPathFor, runClock, type LedgerOptions } from "./ledger-options.js";
import { Command } from "commander";
import { TempgrantError } from "../../../errors.js";
import { statusAction } from "../../exit-codes.js";

interface WhoOptions extends LedgerOptions {
  target?: string;
  principal?: string;
  at?: string;
  from?: string;
  to?: string;
  state?: string;
  json: boolean;
}

/** `tempgrant audit who`: who had access to a target at an instant, or what a principal had over a period. */
export function auditWhoCommand(): Command {
  return withLedgerOptions(new Command("who"), { now: true })
    .description(
      "Who had what, when: the access windows (from the ledger, cross-checked with a state) of a target at an " +
        "instant, or of a principal over a period, each with its requester, approvers, ticket and how it ended.",
    )
    .option("--target <name>", "the target system, as grants name it (orders-db)")
    .option("--principal <name>", "the grantee (case and surrounding spaces ignored)")
    .option("--at <time>", "an instant (RFC 3339): windows that gave access then")
    .option("--from <time>", "start of a period (RFC 3339, inclusive)")
    .option("--to <time>", "end of a period (RFC 3339, exclusive; default: --now)")
    .option(
      "--state <file>",
      "a state (`tofu show -json`, or the .tfstate) to cross-check: grants it holds that the ledger never saw, and the reverse",
    )
    .option("--json", "print the windows as JSON", false)
    .addHelpText(
      "after",
      [
        "",
        "A window runs from the apply that created the grant (or its start, if later) to the run that",
        "revoked it. It ends as: expired-verified (swept after expiry, re-plan verified), expired-unverified,",
        "removed-early (revoked before its expiry), or open. Break-glass grants are marked.",
        "",
        "Exit codes: 0 answered (even with no window); 1 the state disagrees with the ledger (--state);",
        "2 bad input (no ledger, a broken line, a bad time, neither --target nor --principal).",
        "",
        "Examples:",
        "  $ tempgrant audit who --target orders-db --at 2026-11-25T03:00:00Z",
        "  $ tempgrant audit who --principal alice@example.com --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z",
        "  $ tempgrant audit who --target orders-db --at 2026-11-25T03:00:00Z --state state.json --json",
      ].join("\n"),
    )
    .action(
      statusAction(async (options: WhoOptions) => {
        const [{ ledgerWindows }, { activeAt, overlaps }, { timeOption }, { formatTimestamp }] =
          await Promise.all([
            import("../../../audit/ledger-windows.js"),
            import("../../../audit/access-windows.js"),
            import("../../options.js"),
            import("../../../grant/time.js"),
          ]);
        if (options.target === undefined && options.principal === undefined) {
          throw new TempgrantError("USAGE", "say whose access: --target <name>, --principal <name>, or both");
        }
        if (options.at !== undefined && (options.from !== undefined || options.to !== undefined)) {
          throw new TempgrantError("USAGE", "give either --at, or --from/--to, not both");
        }
        const { now } = await runClock(options);
        const at = options.at === undefined ? undefined : timeOption("--at", options.at);
        const from =
          options.from === undefined ? Number.MIN_SAFE_INTEGER : timeOption("--from", options.from);
        const to = options.to === undefined ? now + 1 : timeOption("--to", options.to);
        if (to <= from) throw new TempgrantError("USAGE", "--to must be after --from");
        const { windows, mismatches } = await ledgerWindows(await ledgerPathFor(options), options.state);
        // One person however the name is spelled (case, blanks, NFKC, look-alikes): src/grant/identity.ts.
        const { samePerson } = await import("../../../grant/identity.js");
        const matches = windows.filter(
          (window) =>
            (options.target === undefined || window.target === options.target) &&
            (options.principal === undefined || samePerson(window.principal, options.principal)) &&
            (at !== undefined ? activeAt(window, at) : overlaps(window, from, to)),
        );
        const relevant = mismatches.filter(
          (mismatch) =>
            (options.target === undefined || mismatch.record.target === options.target) &&
            (options.principal === undefined || samePerson(mismatch.record.principal, options.principal)),
        );
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ windows: matches, stateMismatches: relevant }, null, 2)}\n`,
          );
        } else {
          const { whoTable } = await import("../../../audit/report/who-table.js");
          const question = [
            options.target !== undefined ? `target ${options.target}` : "",
            options.principal !== undefined ? `principal ${options.principal}` : "",
            at !== undefined
              ? `at ${formatTimestamp(at)}`
              : `${options.from !== undefined ? `from ${formatTimestamp(from)} ` : ""}to ${formatTimestamp(to)}`,
          ]
            .filter(Boolean)
            .join(", ");
          process.stdout.write(`${matches.length} access window(s) for ${question}\n`);
          if (matches.length > 0) process.stdout.write(`${whoTable(matches)}\n`);
          for (const mismatch of relevant) {
            process.stdout.write(
              mismatch.problem === "in-state-not-in-ledger"
                ? `MISMATCH: grant ${mismatch.id} is in the state but no apply of it is in the ledger\n`
                : `MISMATCH: grant ${mismatch.id} is open in the ledger but not in the state (revoked outside tempgrant?)\n`,
            );
          }
        }
        return relevant.length > 0 ? "failed" : "ok";
      }),
    );
}
