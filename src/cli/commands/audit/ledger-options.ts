import { existsSync } from "node:fs";
import type { Command } from "commander";
import { TempgrantError } from "../../../errors.js";
import type { Clock } from "../../../grant/clock.js";

/** The options every command that reads the ledger takes. */
export interface LedgerOptions {
  ledger?: string;
  config?: string;
  /** The run's clock; only on the commands that ask for one (withLedgerOptions `now`). */
  now?: string;
}

/**
 * Adds `--ledger` and `--config`, said the same way on every audit command, and with `now`,
 * `--now`: the run's one clock as on every other command (what "now" means for a period that
 * ends now, and when an evidence pack is made).
 */
export function withLedgerOptions(command: Command, options: { now?: boolean } = {}): Command {
  if (options.now) {
    command.option(
      "--now <time>",
      "the run's clock, RFC 3339 with a zone (default: TEMPGRANT_NOW or the clock)",
    );
  }
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

/** The run's clock: `--now`, TEMPGRANT_NOW or the system clock, read once; a bad value names its source. */
export async function runClock(options: LedgerOptions): Promise<Clock> {
  const { resolveClock } = await import("../../../grant/clock.js");
  return resolveClock(options.now);
}

/** The ledger a command reads: `--ledger`, TEMPGRANT_LEDGER, tempgrant.yaml, or the default. */
export async function ledgerPathFor(options: LedgerOptions): Promise<string> {
  const [{ resolveLedgerPath }, { loadCheckConfig }] = await Promise.all([
    import("../../../audit/ledger/location.js"),
    import("../../options.js"),
  ]);
  if (options.ledger !== undefined && !existsSync(options.ledger)) {
    throw new TempgrantError(
      "USAGE",
      `--ledger ${options.ledger}: no such file (no ledger has been written there)`,
    );
  }
  return resolveLedgerPath({ option: options.ledger, config: await loadCheckConfig(options.config) });
}
