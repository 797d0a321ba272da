import { join } from "node:path";
import { TempgrantError } from "../errors.js";
import { CommandFailedError } from "../exec/run-command.js";
import { suspendInitStamp } from "./init-stamp.js";
import { restoreLostState } from "./state-guard.js";
import { pullState, type StateIdentity } from "./state-pull.js";
import type { Workspace } from "./workspace.js";
import { runEngine } from "./workspace.js";

/**
 * Pure argv for `apply`. Only a saved plan is ever applied: the plan that was checked is
 * the plan that runs, and a stale plan is refused by the engine itself.
 */
export function applyArgs(workspace: Pick<Workspace, "lockTimeout">, planFile: string): string[] {
  return ["apply", "-input=false", "-no-color", `-lock-timeout=${workspace.lockTimeout}`, planFile];
}

/**
 * Error code of an apply that changed the infrastructure but could not save the state to
 * the backend (it went away mid-apply). The engine wrote the new state to `errored.tfstate`
 * in the working directory instead. Never retried: applying the plan again is what the
 * engine itself warns against (it forks the state).
 */
export const STATE_NOT_SAVED = "STATE_NOT_SAVED";

/**
 * Applies a saved plan and returns the identity the state had right before it. Until it
 * succeeds, the next run initialises the workspace again. A failed apply that left no state
 * behind gets the state from before back (state-guard.ts): it is pulled here, next to the
 * apply, because a state pulled earlier may be older than the one the plan was made from.
 */
export async function apply(workspace: Workspace, planFile: string): Promise<StateIdentity> {
  const before = await pullState(workspace);
  const restoreInitStamp = suspendInitStamp(workspace);
  try {
    await runEngine(workspace, applyArgs(workspace, planFile));
    restoreInitStamp();
    return before.identity;
  } catch (error) {
    throw (await restoreLostState(workspace, before, error)) ?? stateNotSaved(workspace, error) ?? error;
  }
}

/** The one-line error for an apply whose state the backend did not take, else undefined. */
export function stateNotSaved(
  workspace: Pick<Workspace, "workingDir">,
  error: unknown,
): TempgrantError | undefined {
  if (!(error instanceof CommandFailedError)) return undefined;
  const stderr = error.result.stderr;
  if (!/Failed to persist state to backend/.test(stderr)) return undefined;
  const reason = /Error saving state: (.+)/.exec(stderr)?.[1]?.trim() ?? "the backend refused the write";
  return new TempgrantError(
    STATE_NOT_SAVED,
    `the apply ran, but its state could not be saved to the backend (${reason}); the engine wrote it to ` +
      `${join(workspace.workingDir, "errored.tfstate")}. Run the sweep again once the backend is back: it plans ` +
      "from the stored state and finishes the revocation (do not re-apply this plan; see docs/sweep.md, Faults)",
    { cause: error },
  );
}
