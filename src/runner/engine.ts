import { existsSync } from "node:fs";
import { join } from "node:path";
import { quoteValue, TempgrantError } from "../errors.js";
import { findAllOnPath } from "../toolchain/find-on-path.js";
import { EXTERNAL_MIRROR, readToolchainManifest, type Toolchain } from "../toolchain/manifest.js";
import { providerMirrorPaths, toolchainPaths } from "../toolchain/paths.js";
import { PINS } from "../toolchain/pins.js";
import { providerSourceDigest } from "../toolchain/provider-source.js";
import { packageRoot } from "../scaffold/package-root.js";

/** The two CLIs tempgrant can drive. They share flags and plan JSON. */
export type EngineKind = "tofu" | "terraform";

/** A resolved engine: which CLI, which binary, which CLI configuration. */
export interface Engine {
  readonly kind: EngineKind;
  readonly binary: string;
  /** CLI configuration (provider mirror); undefined leaves the user's own in force. */
  readonly cliConfigFile: string | undefined;
}

/** How to choose the engine; each field falls back to the environment, then to defaults. */
export interface EngineChoice {
  /** `tofu` (default) or `terraform`; env `TEMPGRANT_ENGINE`. */
  readonly kind?: string;
  /** Explicit binary; env `TEMPGRANT_ENGINE_BINARY`. */
  readonly binary?: string;
  /** Explicit CLI config file; env `TEMPGRANT_CLI_CONFIG_FILE`, else the bootstrap's. */
  readonly cliConfigFile?: string;
}

/**
 * Picks tofu or terraform and the binary to run. tofu is the default; terraform is chosen
 * with `kind: "terraform"` or `TEMPGRANT_ENGINE=terraform`. The binary comes from the option,
 * `TEMPGRANT_ENGINE_BINARY`, the toolchain bootstrap's cache (tofu), or PATH, in that order.
 */
export function resolveEngine(choice: EngineChoice = {}, env: NodeJS.ProcessEnv = process.env): Engine {
  const kind = choice.kind ?? env.TEMPGRANT_ENGINE ?? "tofu";
  if (kind !== "tofu" && kind !== "terraform") {
    throw new TempgrantError(
      "USAGE",
      `unknown engine ${quoteValue(kind)} (from ${choice.kind ? "--engine" : "TEMPGRANT_ENGINE"}): use tofu or terraform`,
    );
  }
  const manifest = readToolchainManifest();
  const cliConfigFile =
    choice.cliConfigFile ??
    env.TEMPGRANT_CLI_CONFIG_FILE ??
    (manifest ? currentProviderConfig(manifest) : undefined);
  const explicit = choice.binary ?? env.TEMPGRANT_ENGINE_BINARY;
  if (explicit) return { kind, binary: explicit, cliConfigFile };
  if (kind === "tofu" && manifest?.tofu) return { kind, binary: manifest.tofu, cliConfigFile };
  const onPath = findAllOnPath(kind, env.PATH)[0];
  if (!onPath) {
    throw new TempgrantError(
      "ENGINE_NOT_FOUND",
      `no ${kind} binary found: run \`tempgrant toolchain\` (builds tofu), install ${kind} on PATH, ` +
        "or set TEMPGRANT_ENGINE_BINARY",
    );
  }
  return { kind, binary: onPath, cliConfigFile };
}

/**
 * The CLI config of the mirror that holds the provider built from this package's own source:
 * a build of another version of tempgrant would enforce that version's rules. Fails with
 * what to run when this source has not been built yet.
 */
function currentProviderConfig(manifest: Toolchain): string {
  if (manifest.tempgrantProvider?.sourceSha256 === EXTERNAL_MIRROR) return manifest.cliConfigFile;
  const sourceDir = join(packageRoot(), PINS.tempgrantProvider.sourceDir);
  if (!existsSync(sourceDir)) return manifest.cliConfigFile;
  const config = providerMirrorPaths(toolchainPaths(), providerSourceDigest(sourceDir)).cliConfigFile;
  if (!existsSync(config)) {
    throw new TempgrantError(
      "ENGINE_NOT_FOUND",
      "tempgrant's provider has not been built from this version's source: run `tempgrant toolchain`",
    );
  }
  return config;
}
