import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TempgrantError } from "../errors.js";
import { stateIdentityOf, statePullArgs, type PulledState } from "./state-pull.js";
import type { Workspace } from "./workspace.js";
import { runEngine } from "./workspace.js";

/**
 * Error code of an apply that failed and left no state behind, whose state tempgrant put back
 * from before the apply. OpenTofu does this when it is stopped while a provider starts (SIGTERM
 * to a sweep's whole process group, as systemd sends it): it truncates a local state file and
 * writes nothing. A state that forgot a grant's access would never revoke it, and the ledger
 * would count the grant as revoked: so the state from before comes back, and the next run plans
 * from it and revokes again whatever is still there.
 */
export const STATE_RESTORED = "STATE_RESTORED";

/** Error code of a state the engine lost that could not be put back: the operator must push it. */
export const STATE_LOST = "STATE_LOST";

/** The file the state from before an apply is written to while it is pushed back. */
export const STATE_BEFORE_APPLY_FILE = "tempgrant-state-before-apply.tfstate";

/**
 * After a failed apply: when the state was there before and is gone now, pushes the state from
 * before back and returns the error that says so (or, when that fails, the error that says
 * where it is kept). Undefined when the state is still there or cannot be read (the backend is
 * down: see STATE_NOT_SAVED). Runs even when the CLI is stopping: it finishes the apply's business.
 */
export async function restoreLostState(
  workspace: Workspace,
  before: PulledState,
  cause: unknown,
): Promise<TempgrantError | undefined> {
  const { serial, lineage } = before.identity;
  if (serial === null || lineage === null) return undefined;
  const now = { evenIfStopping: true } as const;
  try {
    const after = await runEngine(workspace, statePullArgs(), [0], now);
    if (after.stdout.trim() !== "") return undefined;
  } catch {
    return undefined;
  }
  const file = join(workspace.workingDir, STATE_BEFORE_APPLY_FILE);
  writeFileSync(file, before.text, { mode: 0o600 });
  try {
    await runEngine(workspace, ["state", "push", file], [0], now);
    const back = await runEngine(workspace, statePullArgs(), [0], now);
    if (stateIdentityOf(back.stdout, `${workspace.engine.kind} state pull`).lineage !== lineage)
      throw new Error("the state read back is not the one pushed");
  } catch (error) {
    return new TempgrantError(
      STATE_LOST,
      `the apply failed and the engine left no state behind; putting back the state from before ` +
        `the apply failed (${(error as Error).message.split("\n")[0]}). It is kept in ${file}: ` +
        `run \`${workspace.engine.kind} state push ${file}\` in ${workspace.workingDir} before any other run (see docs/sweep.md, Faults)`,
      { cause },
    );
  }
  rmSync(file, { force: true });
  return new TempgrantError(
    STATE_RESTORED,
    `the apply failed and the engine left no state behind; tempgrant put back the state from before ` +
      `the apply (serial ${serial}): the next run plans from it and revokes again whatever is still there`,
    { cause },
  );
}
