import type { Workspace } from "./workspace.js";
import { dropOwnProviderLock } from "./own-provider-lock.js";
import { runEngine } from "./workspace.js";
import { currentInitStamp, dropInitStamp, initIsCurrent, writeInitStamp } from "./init-stamp.js";

/** Options of `init`. */
export interface InitOptions {
  /** Re-resolve providers even when a lock file exists. */
  readonly upgrade?: boolean;
  /** Partial backend configuration, as key=value pairs (`-backend-config`). */
  readonly backendConfig?: Readonly<Record<string, string>>;
  /** Skip init while the last one is still current (see init-stamp.ts); never with `upgrade`. */
  readonly reuse?: boolean;
}

/** Pure argv for `init`. */
export function initArgs(workspace: Pick<Workspace, "lockTimeout">, options: InitOptions = {}): string[] {
  const args = ["init", "-input=false", "-no-color", `-lock-timeout=${workspace.lockTimeout}`];
  if (options.upgrade) args.push("-upgrade");
  for (const [key, value] of Object.entries(options.backendConfig ?? {})) {
    args.push(`-backend-config=${key}=${value}`);
  }
  return args;
}

/**
 * Runs `init` in the workspace; providers come from the mirror in the CLI config. With
 * `reuse`, an init whose inputs are all unchanged since the last one is skipped (`ran: false`).
 */
export async function init(workspace: Workspace, options: InitOptions = {}): Promise<{ ran: boolean }> {
  const argv = initArgs(workspace, options);
  if (options.reuse && !options.upgrade && initIsCurrent(workspace, currentInitStamp(workspace, argv))) {
    return { ran: false };
  }
  dropInitStamp(workspace);
  dropOwnProviderLock(workspace.workingDir);
  await runEngine(workspace, argv);
  writeInitStamp(workspace, argv);
  return { ran: true };
}
