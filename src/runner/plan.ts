import { isAbsolute, join } from "node:path";
import type { Workspace } from "./workspace.js";
import { runEngine } from "./workspace.js";

/** Options of `plan`. The plan is always saved, so what is applied is what was checked. */
export interface PlanOptions {
  /** Where to save the binary plan, relative to the working directory or absolute. */
  readonly out: string;
  /** Plan the destruction of everything (`-destroy`). */
  readonly destroy?: boolean;
  /** Limit the plan to these resource addresses (`-target`). */
  readonly targets?: readonly string[];
  /** Skip refreshing state from the real infrastructure first. */
  readonly refresh?: boolean;
}

/** What `plan` found. */
export interface PlanResult {
  /** Absolute path of the saved plan. */
  readonly planFile: string;
  /** From `-detailed-exitcode`: true when the plan would change anything. */
  readonly hasChanges: boolean;
}

/** Pure argv for `plan`. Always `-detailed-exitcode`: 0 = no changes, 2 = changes. */
export function planArgs(workspace: Pick<Workspace, "lockTimeout">, options: PlanOptions): string[] {
  const args = [
    "plan",
    "-input=false",
    "-no-color",
    `-lock-timeout=${workspace.lockTimeout}`,
    "-detailed-exitcode",
    `-out=${options.out}`,
  ];
  if (options.destroy) args.push("-destroy");
  if (options.refresh === false) args.push("-refresh=false");
  for (const target of options.targets ?? []) args.push(`-target=${target}`);
  return args;
}

/** Runs `plan -out` and reports whether anything would change. */
export async function plan(workspace: Workspace, options: PlanOptions): Promise<PlanResult> {
  const result = await runEngine(workspace, planArgs(workspace, options), [0, 2]);
  const planFile = isAbsolute(options.out) ? options.out : join(workspace.workingDir, options.out);
  return { planFile, hasChanges: result.exitCode === 2 };
}
