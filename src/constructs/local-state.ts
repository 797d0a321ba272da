import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LocalBackend, TerraformStack } from "cdktf";
import { TempgrantError } from "../errors.js";
import { cdkLibraryOf } from "./cdk-library.js";

/** Where local state lives, relative to the project: not under cdktf.out/, which synthesis rewrites. */
export const LOCAL_STATE_DIR = "state";

/** Options of {@link localStateBackend}. */
export interface LocalStateOptions {
  /** The project folder; default the current one (tempgrant runs the app there). */
  readonly projectDir?: string;
  /** Where the app synthesizes; default CDKTF_OUTDIR (set by tempgrant), else `cdktf.out`. */
  readonly outdir?: string;
}

/**
 * Keeps a stack's state in `state/<stack>.tfstate` of the project, for trying things out on
 * a workstation. Earlier repos kept it in `cdktf.out/stacks/<stack>/terraform.tfstate`, a
 * folder meant to be rebuilt: such a state (and its backup) is moved here first, never
 * copied over an existing one: with both present, synthesis stops and names them. The
 * backend is the stack's library's (cdktf or cdktn, see cdk-library.ts).
 */
export function localStateBackend(
  stack: TerraformStack,
  name: string,
  options: LocalStateOptions = {},
): LocalBackend {
  const projectDir = resolve(options.projectDir ?? ".");
  const path = join(projectDir, LOCAL_STATE_DIR, `${name}.tfstate`);
  const outdir = resolve(projectDir, options.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
  const old = join(outdir, "stacks", name, "terraform.tfstate");
  if (existsSync(old)) {
    if (existsSync(path)) {
      throw new TempgrantError(
        "USAGE",
        `stack ${name}: two local states, ${old} (where earlier versions kept it) and ${path}: ` +
          "keep the one that is current, move the other away, and run again",
      );
    }
    mkdirSync(join(projectDir, LOCAL_STATE_DIR), { recursive: true });
    renameSync(old, path);
    if (existsSync(`${old}.backup`) && !existsSync(`${path}.backup`))
      renameSync(`${old}.backup`, `${path}.backup`);
    process.stderr.write(`[state] stack ${name}: moved the local state from ${old} to ${path}\n`);
  }
  return new (cdkLibraryOf(stack).LocalBackend)(stack, { path });
}
