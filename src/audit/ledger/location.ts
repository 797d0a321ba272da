import { join, resolve } from "node:path";

/** Where a ledger is, from the places a user can say so. */
export interface LedgerLocationSources {
  /** `--ledger`. */
  readonly option?: string | undefined;
  /** The environment, for TEMPGRANT_LEDGER; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** tempgrant.yaml's `ledger:`, already resolved against the file's folder. */
  readonly config?: { readonly ledger?: string | undefined };
  /** The project folder (`--chdir`), for the default; default the current folder. */
  readonly projectDir?: string;
}

/**
 * The one place that decides which ledger a command reads or appends to: `--ledger`, else
 * TEMPGRANT_LEDGER, else `ledger:` in tempgrant.yaml, else `<project>/.tempgrant/ledger.jsonl`.
 * Returns an absolute path.
 */
export function resolveLedgerPath(sources: LedgerLocationSources = {}): string {
  const fromEnv = (sources.env ?? process.env).TEMPGRANT_LEDGER;
  const chosen = sources.option || fromEnv || sources.config?.ledger;
  return chosen ? resolve(chosen) : join(resolve(sources.projectDir ?? "."), ".tempgrant", "ledger.jsonl");
}
