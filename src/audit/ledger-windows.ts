import { accessWindows, type AccessWindow } from "./access-windows.js";
import { grantRecordsOf, type RecordedGrant } from "./diff/grant-records.js";
import { readDiffInput } from "./diff/read-input.js";
import { readLedger } from "./ledger/index.js";

/** A grant the state holds that the ledger never saw applied, or the reverse. */
export interface StateMismatch {
  readonly id: string;
  readonly problem: "in-state-not-in-ledger" | "open-in-ledger-not-in-state";
  readonly record: RecordedGrant | AccessWindow;
}

/** The access windows of a ledger, cross-checked against a state when one is given. */
export interface LedgerWindows {
  readonly windows: AccessWindow[];
  readonly mismatches: StateMismatch[];
}

/**
 * Reads the ledger into access windows. With a state (`show -json` of it or the raw
 * .tfstate), compares what the ledger says is open with the grant records the state holds:
 * access applied outside tempgrant, or revoked outside it, shows up there.
 */
export async function ledgerWindows(ledgerPath: string, statePath?: string): Promise<LedgerWindows> {
  const windows = accessWindows(await readLedger(ledgerPath));
  return { windows, mismatches: statePath === undefined ? [] : stateMismatches(windows, statePath) };
}

/** Grants a state holds that the ledger shows no open window for, and open windows the state lacks. */
export function stateMismatches(windows: readonly AccessWindow[], statePath: string): StateMismatch[] {
  const input = readDiffInput(statePath);
  const snapshot = input.kind === "plan" ? input.prior : input.snapshot;
  const inState = grantRecordsOf(snapshot);
  const open = windows.filter((window) => window.ending === "open");
  return [
    ...inState
      .filter((record) => !open.some((window) => window.id === record.id))
      .map((record) => ({ id: record.id, problem: "in-state-not-in-ledger" as const, record })),
    ...open
      .filter((window) => !inState.some((record) => record.id === window.id))
      .map((window) => ({ id: window.id, problem: "open-in-ledger-not-in-state" as const, record: window })),
  ];
}
