import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { TempgrantError } from "../errors.js";
import { makeDirectory } from "../exec/make-directory.js";
import { CommandFailedError } from "../exec/run-command.js";
import { findAllOnPath } from "../toolchain/find-on-path.js";
import { readToolchainManifest } from "../toolchain/manifest.js";
import { PINS } from "../toolchain/pins.js";
import { policiesDir, shippedBundlePath } from "./bundle-location.js";

/** Where a project keeps its own Rego, relative to the project. */
export const PROJECT_POLICIES = "policies";

/** Where the bundle built from it is cached, relative to the project (ignored by git). */
export const PROJECT_BUNDLE_CACHE = join(".tempgrant", "policy");

/** The bundle a run checks with, and how it came to be. */
export interface ChosenBundle {
  readonly path: string;
  readonly origin: "option" | "shipped" | "built" | "cached";
}

/**
 * The bundle `plan`, `apply` and `check` use: `--bundle` when given; else, when the project's
 * `policies/` holds Rego of its own, the shipped pack and that Rego built into one bundle,
 * cached under `.tempgrant/policy/` by a digest of every source (so an edit rebuilds and an
 * unchanged tree reuses it); else the shipped bundle. Rego that cannot be built (no opa, a
 * compile error) stops the run: checking without the organisation's rules would fail open.
 */
export async function projectBundle(
  option: string | undefined,
  projectDir: string,
  progress: (line: string) => void,
): Promise<ChosenBundle> {
  if (option !== undefined) return { path: option, origin: "option" };
  const pack = policiesDir();
  const dir = join(projectDir, PROJECT_POLICIES);
  // In tempgrant's own checkout, policies/ is the shipped pack itself.
  const own = existsSync(dir) && realpathSync(dir) !== realpathSync(pack) ? ownSources(dir) : [];
  if (own.length === 0) return { path: shippedBundlePath(), origin: "shipped" };
  const digest = sourcesDigest(pack, projectDir, own);
  const cacheDir = join(projectDir, PROJECT_BUNDLE_CACHE);
  const cached = join(cacheDir, `${digest.slice(0, 32)}.wasm`);
  const shown = relative(projectDir, cached) || cached;
  if (existsSync(cached)) {
    progress(`${PROJECT_POLICIES}/ unchanged: using the cached bundle ${shown}`);
    return { path: cached, origin: "cached" };
  }
  const opa = readToolchainManifest()?.opa ?? findAllOnPath("opa")[0];
  if (!opa) {
    throw new TempgrantError(
      "USAGE",
      `${join(projectDir, PROJECT_POLICIES)} holds your own Rego, and building it needs opa ${PINS.opa.version}: ` +
        "run `npx tempgrant toolchain`, put opa on PATH, or pass --bundle a bundle built with `tempgrant policy build`",
    );
  }
  progress(`${PROJECT_POLICIES}/ changed: building it with the shipped pack into ${shown}...`);
  makeDirectory(cacheDir);
  // Built under a name of its own, then renamed: a concurrent run never reads half a bundle.
  const partial = `${cached}.${process.pid}.partial`;
  try {
    // Loaded only to build: it brings tar, which a check with the shipped bundle never needs.
    const { buildPolicyBundle } = await import("./build-bundle.js");
    await buildPolicyBundle({
      opa,
      sources: ["main.rego", "lib", "rules", ...own.map((file) => resolve(dir, file))],
      cwd: pack,
      capabilities: join(pack, "capabilities.json"),
      out: partial,
    });
    renameSync(partial, cached);
  } catch (error) {
    // opa's own words, on one line: the command line around them says nothing to the user.
    const said = error instanceof CommandFailedError ? error.result.stderr || error.result.stdout : "";
    const reason = (said.trim() || (error as Error).message).split("\n").map((line) => line.trim());
    throw new TempgrantError(
      "USAGE",
      `${dir}: your Rego does not build: ${reason.filter(Boolean).join("; ")}`,
    );
  } finally {
    rmSync(partial, { force: true });
  }
  // Only the bundle of the current sources is kept.
  for (const file of readdirSync(cacheDir)) {
    if (file.endsWith(".wasm") && join(cacheDir, file) !== cached)
      rmSync(join(cacheDir, file), { force: true });
  }
  return { path: cached, origin: "built" };
}

/** The files opa would compile from the project's policies/: Rego and data, tests and the bundle folder left out. */
function ownSources(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((path) => path.split(sep).join("/"))
    .filter(
      (path) =>
        !path.startsWith("bundle/") && /\.(rego|json|ya?ml)$/.test(path) && !path.endsWith("_test.rego"),
    )
    .sort();
  return files.some((path) => path.endsWith(".rego")) ? files : [];
}

/** SHA-256 over opa's version, the shipped pack and the project's sources (paths and bytes). */
function sourcesDigest(pack: string, projectDir: string, own: readonly string[]): string {
  const hash = createHash("sha256").update(`opa ${PINS.opa.version}\n`);
  const add = (label: string, file: string) => {
    const bytes = readFileSync(file);
    hash.update(`${label} ${bytes.length}\n`).update(bytes);
  };
  const shipped = readdirSync(pack, { recursive: true, encoding: "utf8" })
    .map((path) => path.split(sep).join("/"))
    .filter(
      (path) => (path.endsWith(".rego") && !path.endsWith("_test.rego")) || path === "capabilities.json",
    )
    .sort();
  for (const path of shipped) add(`pack:${path}`, join(pack, path));
  for (const path of own) add(`own:${path}`, join(projectDir, PROJECT_POLICIES, path));
  return hash.digest("hex");
}
