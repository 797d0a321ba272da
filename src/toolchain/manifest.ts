import { existsSync, readFileSync } from "node:fs";
import { toolchainPaths, type ToolchainPaths } from "./paths.js";

/** What the bootstrap resolved: absolute paths a runner can use without searching again. */
export interface Toolchain {
  readonly tofu: string;
  readonly opa: string;
  readonly cliConfigFile: string;
  readonly mirrorDir: string;
  /**
   * Whether the postgresql provider is in the mirror. When its build failed, `problem` holds
   * the failing command and its error, and configurations that need it fail at `init`.
   */
  readonly postgresqlProvider:
    { readonly available: true } | { readonly available: false; readonly problem: string };
  readonly versions: { readonly tofu: string; readonly opa: string; readonly postgresqlProvider: string };
}

/** Reads what the last bootstrap resolved, or undefined when it has not run in this cache. */
export function readToolchainManifest(paths: ToolchainPaths = toolchainPaths()): Toolchain | undefined {
  if (!existsSync(paths.manifest)) return undefined;
  return JSON.parse(readFileSync(paths.manifest, "utf8")) as Toolchain;
}
