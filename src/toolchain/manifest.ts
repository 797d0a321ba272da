import { existsSync, readFileSync } from "node:fs";
import { toolchainPaths, type ToolchainPaths } from "./paths.js";

/** The provider source digest recorded when the provider comes from TEMPGRANT_PROVIDER_MIRROR. */
export const EXTERNAL_MIRROR = "external";

/** What the bootstrap resolved: absolute paths a runner can use without searching again. */
export interface Toolchain {
  readonly tofu: string;
  readonly opa: string;
  readonly cliConfigFile: string;
  readonly mirrorDir: string;
  /** tempgrant's provider in the mirror, and the sha256 of the source it was built from. */
  readonly tempgrantProvider: { readonly version: string; readonly sourceSha256: string };
  readonly versions: { readonly tofu: string; readonly opa: string; readonly tempgrantProvider: string };
}

/** Reads what the last bootstrap resolved, or undefined when it has not run in this cache. */
export function readToolchainManifest(paths: ToolchainPaths = toolchainPaths()): Toolchain | undefined {
  if (!existsSync(paths.manifest)) return undefined;
  return JSON.parse(readFileSync(paths.manifest, "utf8")) as Toolchain;
}
