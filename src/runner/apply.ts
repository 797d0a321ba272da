import type { Workspace } from "./workspace.js";
import { runEngine } from "./workspace.js";

/**
 * Pure argv for `apply`. Only a saved plan is ever applied: the plan that was checked is
 * the plan that runs, and a stale plan is refused by the engine itself.
 */
export function applyArgs(workspace: Pick<Workspace, "lockTimeout">, planFile: string): string[] {
  return ["apply", "-input=false", "-no-color", `-lock-timeout=${workspace.lockTimeout}`, planFile];
}

/** Applies a saved plan. */
export async function apply(workspace: Workspace, planFile: string): Promise<void> {
  await runEngine(workspace, applyArgs(workspace, planFile));
}
