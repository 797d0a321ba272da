import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TempgrantError, wrapStep } from "../errors.js";
import { renderCliConfig } from "./cli-config.js";
import { findAllOnPath } from "./find-on-path.js";
import { buildOpa, buildTempgrantProvider, buildTofu, requireGo } from "./go-build.js";
import { providerSourceDigest } from "./provider-source.js";
import { packageRoot } from "../scaffold/package-root.js";
import { EXTERNAL_MIRROR, type Toolchain } from "./manifest.js";
import { providerMirrorPaths, toolchainPaths, type ToolchainPaths } from "./paths.js";
import { PINS } from "./pins.js";
import { opaVersion, terraformFamilyVersion } from "./tool-version.js";

/** Options for {@link bootstrapToolchain}. */
export interface BootstrapOptions {
  /** Where the cache lives; defaults to {@link toolchainPaths}(). */
  readonly paths?: ToolchainPaths;
  /** Receives one line per step. */
  readonly onProgress?: (line: string) => void;
  /** The provider's Go module; defaults to `provider/` in this package. */
  readonly providerSourceDir?: string;
}

type Probe = (binary: string) => Promise<string | undefined>;

/**
 * Makes the pinned toolchain available and returns where it is. Idempotent: each tool is
 * taken from the cache, else from PATH when its version is the pinned one, else built from
 * the Go module proxy into the cache. A failed build is reported with its command and
 * error, never replaced by anything else.
 */
export async function bootstrapToolchain(options: BootstrapOptions = {}): Promise<Toolchain> {
  const paths = options.paths ?? toolchainPaths();
  const progress = options.onProgress ?? (() => {});
  const tofu = await ensureBinary(
    "tofu",
    PINS.tofu.version,
    paths.tofu,
    terraformFamilyVersion,
    buildTofu,
    progress,
  );
  const opa = await ensureBinary("opa", PINS.opa.version, paths.opa, opaVersion, buildOpa, progress);
  const { sourceSha256, mirrorDir, cliConfigFile } = await ensureProviderMirror(
    paths,
    options.providerSourceDir ?? join(packageRoot(), PINS.tempgrantProvider.sourceDir),
    progress,
  );
  const toolchain: Toolchain = {
    tofu,
    opa,
    cliConfigFile,
    mirrorDir,
    tempgrantProvider: { version: PINS.tempgrantProvider.version, sourceSha256 },
    versions: {
      tofu: PINS.tofu.version,
      opa: PINS.opa.version,
      tempgrantProvider: PINS.tempgrantProvider.version,
    },
  };
  writeAtomically(paths.manifest, `${JSON.stringify(toolchain, null, 2)}\n`);
  progress(`toolchain ready: CLI config ${cliConfigFile}`);
  return toolchain;
}

async function ensureBinary(
  name: string,
  version: string,
  cached: string,
  probe: Probe,
  build: (go: string, destination: string) => Promise<void>,
  progress: (line: string) => void,
): Promise<string> {
  if (existsSync(cached) && (await probe(cached)) === version) {
    progress(`${name} ${version}: cached at ${cached}`);
    return cached;
  }
  for (const candidate of findAllOnPath(name)) {
    if ((await probe(candidate)) === version) {
      progress(`${name} ${version}: found on PATH at ${candidate}`);
      return candidate;
    }
  }
  const go = requireGo();
  // Not "first run only": a build that failed is tried again by the next run.
  progress(
    `${name} ${version}: not cached: building from the Go module proxy (several minutes; cached once built)...`,
  );
  const started = Date.now();
  try {
    await build(go, cached);
  } catch (error) {
    throw wrapStep(`build ${name} ${version} (nothing cached: the next run builds again)`, error);
  }
  const built = await probe(cached);
  if (built !== version) {
    throw new TempgrantError(
      "TOOLCHAIN_BUILD_FAILED",
      `build ${name} ${version}: the built binary reports version ${built ?? "nothing"}`,
    );
  }
  progress(`${name} ${version}: built in ${Math.round((Date.now() - started) / 1000)}s -> ${cached}`);
  return cached;
}

/**
 * Builds tempgrant's provider from its source into the mirror for that source, for every
 * registry host, and writes the CLI config that installs from it. Skipped when that mirror
 * already holds the build, so the binary (and the hash tofu records in lock files) changes
 * only with the source, and checkouts of different versions sharing one cache never collide.
 */
async function ensureProviderMirror(
  paths: ToolchainPaths,
  sourceDir: string,
  progress: (line: string) => void,
): Promise<{ sourceSha256: string; mirrorDir: string; cliConfigFile: string }> {
  const pin = PINS.tempgrantProvider;
  const label = `${pin.namespace}/${pin.type} provider ${pin.version}`;
  const external = process.env.TEMPGRANT_PROVIDER_MIRROR;
  if (external) {
    progress(`${label}: using the mirror in TEMPGRANT_PROVIDER_MIRROR (${external})`);
    writeAtomically(paths.cliConfigFile, renderCliConfig(external));
    return { sourceSha256: EXTERNAL_MIRROR, mirrorDir: external, cliConfigFile: paths.cliConfigFile };
  }
  if (!existsSync(join(sourceDir, "go.mod"))) {
    throw new TempgrantError(
      "TOOLCHAIN_BUILD_FAILED",
      `${label}: no Go module at ${sourceDir}: reinstall tempgrant`,
    );
  }
  const sourceSha256 = providerSourceDigest(sourceDir);
  const mirror = providerMirrorPaths(paths, sourceSha256);
  const done = { sourceSha256, mirrorDir: mirror.mirrorDir, cliConfigFile: mirror.cliConfigFile };
  if ([...mirror.binaries, mirror.cliConfigFile].every((file) => existsSync(file))) {
    progress(`${label}: cached in ${mirror.mirrorDir}`);
    return done;
  }
  const [first, ...others] = mirror.binaries;
  if (!first) throw new TempgrantError("INTERNAL", "no provider mirror path");
  const go = requireGo();
  progress(`${label}: no build of this source cached: building from ${sourceDir} (about a minute)...`);
  const started = Date.now();
  try {
    await buildTempgrantProvider(go, sourceDir, first);
  } catch (error) {
    throw wrapStep(`build ${label} (nothing cached: the next run builds again)`, error);
  }
  for (const other of others) {
    mkdirSync(dirname(other), { recursive: true });
    copyFileSync(first, `${other}.partial`);
    renameSync(`${other}.partial`, other);
  }
  // Written last: its presence says the mirror is complete.
  writeAtomically(mirror.cliConfigFile, renderCliConfig(mirror.mirrorDir));
  progress(
    `${label}: built in ${Math.round((Date.now() - started) / 1000)}s, installed in ${mirror.mirrorDir}`,
  );
  return done;
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, path);
}
