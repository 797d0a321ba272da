import { TempgrantError } from "../errors.js";
import { parseEngineJson } from "./engine-json.js";
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

/**
 * Reads the current state's serial and lineage (`state pull`); nulls when there is no state
 * yet. The state is read by the plan reader's strict rules (engine-json.ts).
 */
export async function stateIdentity(workspace: Workspace): Promise<StateIdentity> {
  return (await pullState(workspace)).identity;
}

/** The state as `state pull` printed it (empty when there is none yet), and its identity. */
export interface PulledState {
  readonly text: string;
  readonly identity: StateIdentity;
}

/** Pulls the state once, for both its text and its identity. */
export async function pullState(workspace: Workspace): Promise<PulledState> {
  const { stdout } = await runEngine(workspace, statePullArgs());
  return { text: stdout, identity: stateIdentityOf(stdout, `${workspace.engine.kind} state pull`) };
}

/** The identity of a pulled state's text (`command` names where it came from in errors). */
export function stateIdentityOf(text: string, command: string): StateIdentity {
  if (text.trim() === "") return { serial: null, lineage: null };
  const state = parseEngineJson(text, command);
  // A state is an object: anything else is not one, and must not read as "no state yet".
  if (typeof state !== "object" || state === null || Array.isArray(state))
    throw new TempgrantError("ENGINE_OUTPUT", `\`${command}\` printed JSON that is not a state (an object)`);
  const { serial, lineage } = state as { serial?: unknown; lineage?: unknown };
  return {
    serial: typeof serial === "number" ? serial : null,
    lineage: typeof lineage === "string" ? lineage : null,
  };
}
