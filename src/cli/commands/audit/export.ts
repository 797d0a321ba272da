import { withLedgerOptions, ledgerPathFor, runClock, type LedgerOptions } from "./ledger-options.js";
import { Command } from "commander";
import { statusAction } from "../../exit-codes.js";

interface ExportOptions extends LedgerOptions {
  out: string;
  from?: string;
  to?: string;
  lateAfter: string;
  state: string[];
}

/** `tempgrant audit export`: one archive with everything an auditor asks for. */
export function auditExportCommand(): Command {
  return withLedgerOptions(new Command("export"), { now: true })
    .description(
      "Bundle an evidence pack for an auditor: the ledger, its verification and head, the period's report " +
        "(html, md, csv, json), states cross-checked with the ledger, and a manifest of sha256 sums.",
    )
    .requiredOption("--out <file>", "the .tar.gz to write")
    .option("--from <time>", "start of the reported period (RFC 3339; default: the first window)")
    .option("--to <time>", "end of the reported period (RFC 3339, exclusive; default: --now)")
    .option("--late-after <duration>", "a revocation this long after expiry, or longer, is late", "15m")
    .option(
      "--state <file>",
      "a state to include and cross-check (`tofu show -json` or .tfstate); repeat for several",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 packed, chain intact; 1 packed, but the chain is broken (the manifest names the first",
        "bad line); 2 bad input (no ledger, a bad time, an unreadable state).",
        "",
        "Examples:",
        "  $ tempgrant audit export --out evidence-2026-11.tar.gz --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z",
        "  $ tempgrant audit export --out evidence.tar.gz --state prod.tfstate --state staging.tfstate",
      ].join("\n"),
    )
    .action(
      statusAction(async (options: ExportOptions) => {
        const [{ writeEvidencePack }, { timeOption, durationOption, outputFileOption }] = await Promise.all([
          import("../../../audit/evidence-pack.js"),
          import("../../options.js"),
        ]);
        const lateAfterSeconds = durationOption("--late-after", options.lateAfter);
        const { now } = await runClock(options);
        const to = options.to === undefined ? now : timeOption("--to", options.to);
        const from = options.from === undefined ? undefined : timeOption("--from", options.from);
        outputFileOption("--out", options.out);
        const pack = await writeEvidencePack({
          ledgerPath: await ledgerPathFor(options),
          statePaths: options.state,
          period: { to, lateAfterSeconds, now, ...(from !== undefined ? { from } : {}) },
          out: options.out,
          createdAt: now,
        });
        const { verification } = pack;
        process.stdout.write(
          `${pack.out}: ${pack.files.length + 1} files; ledger chain ${verification.valid ? "intact" : "BROKEN"}` +
            (verification.head ? `, head seq ${verification.head.seq} ${verification.head.hash}` : "") +
            "\n",
        );
        return verification.valid ? "ok" : "failed";
      }),
    );
}
