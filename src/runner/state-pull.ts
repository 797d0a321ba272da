import { TempgrantError } from "../errors.js";
import type { Workspace } from "./workspace.js";
import { runEngine } from "./workspace.js";

/** The raw state's identity: its serial (bumped by every write) and lineage. */
export interface StateIdentity {
  readonly serial: number | null;
  readonly lineage: string | null;
}

/** Pure argv for `state pull`. */
export function statePullArgs(): string[] {
  return ["state", "pull"];
}

/** Reads the current state's serial and lineage (`state pull`); nulls when there is no state yet. */
export async function stateIdentity(workspace: Workspace): Promise<StateIdentity> {
  const result = await runEngine(workspace, statePullArgs());
  if (result.stdout.trim() === "") return { serial: null, lineage: null };
  try {
    const state = JSON.parse(result.stdout) as { serial?: unknown; lineage?: unknown };
    return {
      serial: typeof state.serial === "number" ? state.serial : null,
      lineage: typeof state.lineage === "string" ? state.lineage : null,
    };
  } catch (error) {
    throw new TempgrantError(
      "ENGINE_OUTPUT",
      `\`state pull\` printed something that is not JSON: ${(error as Error).message}`,
    );
  }
}
