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
  /** One provider mirror per provider source digest, so checkouts of different versions never share a build. */
  readonly providerMirrorsDir: string;
  /** CLI configuration for a mirror given in TEMPGRANT_PROVIDER_MIRROR. */
  readonly cliConfigFile: string;
  /** Record of what the last bootstrap resolved (absolute paths, versions). */
  readonly manifest: string;
}

/** Where the provider built from one source lives, and the CLI config that installs it. */
export interface ProviderMirrorPaths {
  /** Root of the filesystem mirror. */
  readonly mirrorDir: string;
  /** The provider binary inside the mirror, one per registry host. */
  readonly binaries: readonly string[];
  /** CLI configuration that points tofu/terraform at this mirror only. */
  readonly cliConfigFile: string;
}

/** Builds the cached paths of the pinned toolchain. */
export function toolchainPaths(root: string = cacheRoot()): ToolchainPaths {
  const toolsDir = join(root, "tools");
  return {
    toolsDir,
    tofu: join(toolsDir, "tofu", PINS.tofu.version, "tofu"),
    opa: join(toolsDir, "opa", PINS.opa.version, "opa"),
    providerMirrorsDir: join(toolsDir, "provider-mirrors"),
    cliConfigFile: join(toolsDir, "cli-config.tfrc"),
    manifest: join(toolsDir, "toolchain.json"),
  };
}

/** The mirror of the provider built from the source with this sha256. */
export function providerMirrorPaths(paths: ToolchainPaths, sourceSha256: string): ProviderMirrorPaths {
  const provider = PINS.tempgrantProvider;
  const name = sourceSha256.slice(0, 16);
  const mirrorDir = join(paths.providerMirrorsDir, name);
  const platform = platformTag();
  return {
    mirrorDir,
    binaries: MIRROR_HOSTS.map((host) =>
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
    cliConfigFile: join(paths.providerMirrorsDir, `${name}.tfrc`),
  };
}

/** Terraform's platform tag for this machine, for example `linux_amd64`. */
export function platformTag(): string {
  const arch = ({ x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" } as Record<string, string>)[
    process.arch
  ];
  return `${process.platform}_${arch ?? process.arch}`;
}
