import { parseEngineJson } from "./engine-json.js";
import type { Workspace } from "./workspace.js";
import { runEngine } from "./workspace.js";

/** Pure argv for `show -json`: a saved plan when given, else the current state. */
export function showArgs(planFile?: string): string[] {
  const args = ["show", "-no-color", "-json"];
  if (planFile) args.push(planFile);
  return args;
}

/**
 * Runs `show -json` and returns the parsed document: the plan representation for a plan
 * file, the state representation otherwise, read by the plan reader's strict rules
 * (engine-json.ts: what they refuse fails closed). Typed readers live in src/plan/.
 */
export async function showJson(workspace: Workspace, planFile?: string): Promise<unknown> {
  const result = await runEngine(workspace, showArgs(planFile));
  return parseEngineJson(result.stdout, `${workspace.engine.kind} show -json`);
}
