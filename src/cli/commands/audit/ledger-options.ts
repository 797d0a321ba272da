import type { Command } from "commander";

/** The options every command that reads the ledger takes. */
export interface LedgerOptions {
  ledger?: string;
  config?: string;
}

/** Adds `--ledger` and `--config`, said the same way on every audit command. */
export function withLedgerOptions(command: Command): Command {
  return command
    .option(
      "--ledger <file>",
      "the ledger (default: TEMPGRANT_LEDGER, tempgrant.yaml's ledger:, else ./.tempgrant/ledger.jsonl)",
    )
    .option(
      "--config <file>",
      "tempgrant.yaml to read ledger: from (default: ./tempgrant.yaml when present)",
    );
}

/** The ledger a command reads: `--ledger`, TEMPGRANT_LEDGER, tempgrant.yaml, or the default. */
export async function ledgerPathFor(options: LedgerOptions): Promise<string> {
  const [{ resolveLedgerPath }, { loadCheckConfig }] = await Promise.all([
    import("../../../audit/ledger/location.js"),
    import("../../options.js"),
  ]);
  return resolveLedgerPath({ option: options.ledger, config: await loadCheckConfig(options.config) });
}
