import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

/**
 * The last good configuration of each stack: the `cdk.tf.json` of the last sweep whose synth
 * and full plan worked, kept in `<project>/.tempgrant/last-good/<stack>/` with the stack's
 * working directory (where its `.terraform` and, on the local backend, its state are). A
 * degraded sweep plans its revocations against it when the app cannot synthesize.
 */
export interface LastGood {
  readonly stack: string;
  /** The saved `cdk.tf.json`. */
  readonly configFile: string;
  /** The stack's working directory, absolute. */
  readonly workingDir: string;
}

const CONFIG = "cdk.tf.json";

function lastGoodRoot(projectDir: string): string {
  return join(resolve(projectDir), ".tempgrant", "last-good");
}

/** Keeps a stack's synthesized configuration as its last good one. */
export function saveLastGood(projectDir: string, stack: string, workingDir: string): void {
  const dir = join(lastGoodRoot(projectDir), encodeURIComponent(stack));
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(workingDir, CONFIG), join(dir, CONFIG));
  writeFileSync(
    join(dir, "meta.json"),
    `${JSON.stringify({ stack, workingDir: relative(resolve(projectDir), resolve(workingDir)) })}\n`,
  );
}

/** Every stack with a last good configuration, by name. */
export function lastGoodStacks(projectDir: string): Map<string, LastGood> {
  const root = lastGoodRoot(projectDir);
  const found = new Map<string, LastGood>();
  if (!existsSync(root)) return found;
  for (const entry of readdirSync(root).sort()) {
    try {
      const meta = JSON.parse(readFileSync(join(root, entry, "meta.json"), "utf8")) as {
        stack?: unknown;
        workingDir?: unknown;
      };
      const configFile = join(root, entry, CONFIG);
      if (typeof meta.stack !== "string" || typeof meta.workingDir !== "string" || !existsSync(configFile))
        continue;
      found.set(meta.stack, {
        stack: meta.stack,
        configFile,
        workingDir: resolve(projectDir, meta.workingDir),
      });
    } catch {
      // a folder that is not ours, or half written: not a last good configuration
    }
  }
  return found;
}

/** Puts a configuration in a stack's working directory, as the one the engine runs. */
export function restoreConfiguration(configFile: string, workingDir: string): void {
  mkdirSync(workingDir, { recursive: true });
  if (resolve(configFile) !== resolve(join(workingDir, CONFIG)))
    copyFileSync(configFile, join(workingDir, CONFIG));
}
