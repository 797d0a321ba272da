import { homedir } from "node:os";
import { join } from "node:path";
import { MIRROR_HOSTS, PINS } from "./pins.js";

/**
 * Where built tools are cached: outside any work tree, shared by every checkout, one
 * folder per version so a bump never reuses a stale build.
 * `TEMPGRANT_CACHE_DIR` overrides; otherwise `$XDG_CACHE_HOME/tempgrant` or `~/.cache/tempgrant`.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPGRANT_CACHE_DIR) return env.TEMPGRANT_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "tempgrant");
}

/** The cached locations of every toolchain part, for one cache root. */
export interface ToolchainPaths {
  readonly toolsDir: string;
  readonly tofu: string;
  readonly opa: string;
  /** Root of the provider filesystem mirror. */
  readonly mirrorDir: string;
  /** The provider binary inside the mirror, one per registry host. */
  readonly providerBinaries: readonly string[];
  /** The sha256 of the provider source the mirrored binary was built from (outside the mirror). */
  readonly providerSourceStamp: string;
  /** CLI configuration that points tofu/terraform at the mirror only. */
  readonly cliConfigFile: string;
  /** Record of what the last bootstrap resolved (absolute paths, versions). */
  readonly manifest: string;
}

/** Builds the cached paths of the pinned toolchain. */
export function toolchainPaths(root: string = cacheRoot()): ToolchainPaths {
  const toolsDir = join(root, "tools");
  const provider = PINS.tempgrantProvider;
  const mirrorDir = join(toolsDir, "provider-mirror");
  const platform = platformTag();
  return {
    toolsDir,
    tofu: join(toolsDir, "tofu", PINS.tofu.version, "tofu"),
    opa: join(toolsDir, "opa", PINS.opa.version, "opa"),
    mirrorDir,
    providerBinaries: MIRROR_HOSTS.map((host) =>
      join(
        mirrorDir,
        host,
        provider.namespace,
        provider.type,
        provider.version,
        platform,
        `terraform-provider-${provider.type}_v${provider.version}`,
      ),
    ),
    providerSourceStamp: join(toolsDir, "tempgrant-provider.source.sha256"),
    cliConfigFile: join(toolsDir, "cli-config.tfrc"),
    manifest: join(toolsDir, "toolchain.json"),
  };
}

/** Terraform's platform tag for this machine, for example `linux_amd64`. */
export function platformTag(): string {
  const arch = ({ x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" } as Record<string, string>)[
    process.arch
  ];
  return `${process.platform}_${arch ?? process.arch}`;
}
