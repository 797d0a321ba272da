import { createHash } from "node:crypto";
import {
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { Workspace } from "./workspace.js";

/**
 * Whether `init` can be skipped: a sweep runs every few minutes on a stack whose providers,
 * modules and backend rarely change, and `init` costs 0.2 to 0.9 s of tofu each time. After
 * a successful init a stamp (a sha256, nothing readable) is written into `.terraform`; init
 * is skipped only while everything it depends on gives the same stamp:
 *
 * - the engine binary (path, size, modification time) and its argv for init;
 * - the CLI configuration (the provider mirror: per source digest for tempgrant's own
 *   provider, so a rebuilt provider is installed again) and the files of each mirror it names;
 * - the environment variables that change what init installs (plugin cache, workspace);
 * - the lock file as init left it (or its absence), and every provider it names present in `.terraform`;
 * - of the configuration: the `terraform` block (required providers, backend), `module`
 *   blocks, and the providers that resources, data sources and provider blocks use without
 *   the terraform block naming them (each implies one init must install).
 *
 * When in doubt, init runs: no stamp, a `.tf`/`.tofu` file (HCL is not read here), an
 * interpolation in the `terraform` or `module` blocks (the backend could depend on
 * variables), TF_DATA_DIR set, anything unreadable. Any failed engine command in the
 * workspace drops the stamp (see workspace.ts), so a state that needs a provider the
 * configuration does not name gets its init on the next run, and an apply holds it back
 * until it succeeds (a killed apply leaves none).
 */

/** Bumped when what the stamp covers changes. */
const FORMAT = "tempgrant-init/1";

const STAMP = "tempgrant-init.sha256";

/** The stamp the workspace would have now, or undefined when init must run. */
export function currentInitStamp(workspace: Workspace, initArgv: readonly string[]): string | undefined {
  try {
    return computeStamp(workspace, initArgv);
  } catch {
    return undefined;
  }
}

/** True when the stamp init left matches the workspace now. */
export function initIsCurrent(workspace: Workspace, stamp: string | undefined): boolean {
  if (stamp === undefined) return false;
  try {
    return readFileSync(stampFile(workspace), "utf8") === stamp;
  } catch {
    return false;
  }
}

/** Records a successful init (with the stamp computed after it: init may rewrite the lock file). */
export function writeInitStamp(workspace: Workspace, initArgv: readonly string[]): void {
  const stamp = currentInitStamp(workspace, initArgv);
  if (stamp !== undefined && existsSync(dataDir(workspace))) writeFileSync(stampFile(workspace), stamp);
}

/** Forgets the last init: the next `init` runs. */
export function dropInitStamp(workspace: Pick<Workspace, "workingDir">): void {
  rmSync(stampFile(workspace), { force: true });
}

/**
 * Removes the stamp while an apply runs and returns what puts it back after the apply
 * succeeded: an apply that was killed or failed leaves the next run to initialise.
 */
export function suspendInitStamp(workspace: Pick<Workspace, "workingDir">): () => void {
  let stamp: string | undefined;
  try {
    stamp = readFileSync(stampFile(workspace), "utf8");
  } catch {
    return () => {};
  }
  dropInitStamp(workspace);
  return () => {
    if (existsSync(dataDir(workspace))) writeFileSync(stampFile(workspace), stamp);
  };
}

function dataDir(workspace: Pick<Workspace, "workingDir">): string {
  return join(workspace.workingDir, ".terraform");
}

function stampFile(workspace: Pick<Workspace, "workingDir">): string {
  return join(dataDir(workspace), STAMP);
}

/** Environment variables that change what init installs or selects. */
const INIT_ENV = ["TF_PLUGIN_CACHE_DIR", "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE", "TF_WORKSPACE"];

function computeStamp(workspace: Workspace, initArgv: readonly string[]): string | undefined {
  const env = { ...process.env, ...workspace.env };
  if (env.TF_DATA_DIR) return undefined;
  const hash = createHash("sha256");
  const add = (label: string, value: string | Buffer) => {
    hash.update(`${label}\0${Buffer.byteLength(value)}\0`);
    hash.update(value);
  };
  add("format", FORMAT);
  const { engine } = workspace;
  const binary = realpathSync(engine.binary);
  const binaryStat = statSync(binary);
  add("engine", `${engine.kind}\0${binary}\0${binaryStat.size}\0${binaryStat.mtimeMs}`);
  add("argv", JSON.stringify(initArgv));
  add("cli-config", engine.cliConfigFile ?? "");
  if (engine.cliConfigFile) {
    const config = readFileSync(engine.cliConfigFile, "utf8");
    add("cli-config-text", config);
    for (const [, mirror] of config.matchAll(/\bpath\s*=\s*"([^"]+)"/g))
      add("mirror", listing(mirror as string));
  }
  for (const name of INIT_ENV) add(`env ${name}`, env[name] ?? "\0unset");
  // A configuration that needs no provider has no lock file.
  const lockFile = join(workspace.workingDir, ".terraform.lock.hcl");
  const lock = existsSync(lockFile) ? readFileSync(lockFile, "utf8") : "";
  add("lock", existsSync(lockFile) ? lock : "\0absent");
  for (const [, source, version] of lock.matchAll(/^provider "([^"]+)" \{\n\s*version\s*=\s*"([^"]+)"/gm)) {
    if (!existsSync(join(dataDir(workspace), "providers", source as string, version as string)))
      return undefined;
  }
  const requirements = configurationRequirements(workspace.workingDir);
  if (requirements === undefined) return undefined;
  add("configuration", requirements);
  return hash.digest("hex");
}

/** Every file under a folder with its size and modification time, one a line. */
function listing(dir: string): string {
  if (!existsSync(dir)) return "\0absent";
  const lines: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const stat = statSync(path);
    lines.push(`${path}\0${stat.size}\0${stat.mtimeMs}`);
  }
  return lines.sort().join("\n");
}

/** Block types whose keys are resource types, each implying the provider of its prefix. */
const TYPED_BLOCKS = new Set(["resource", "data", "ephemeral"]);

/**
 * What of the configuration init depends on, as canonical text; undefined when it cannot be
 * read from JSON alone.
 */
function configurationRequirements(workingDir: string): string | undefined {
  const parts: string[] = [];
  const used = new Set<string>();
  // `terraform` is built in.
  const declared = new Set(["terraform"]);
  for (const name of readdirSync(workingDir).sort()) {
    if (/\.(tf|tofu)$/.test(name)) return undefined;
    if (!/\.(tf|tofu)\.json$/.test(name)) continue;
    const document = JSON.parse(readFileSync(join(workingDir, name), "utf8")) as Record<string, unknown>;
    const fixed = JSON.stringify({ terraform: document.terraform ?? null, module: document.module ?? null });
    if (fixed.includes("${")) return undefined;
    parts.push(`${name}\0${fixed}`);
    for (const provider of Object.keys(asObject(document.provider))) used.add(provider);
    collectProviders(document, used);
    const terraform = [document.terraform].flat();
    for (const block of terraform) {
      for (const required of [asObject(block).required_providers].flat()) {
        for (const provider of Object.keys(asObject(required))) declared.add(provider);
      }
    }
  }
  // Only providers no terraform block names change what init installs (a revoked grant's
  // resources leaving the configuration do not): each implies one init must install.
  parts.push(
    [...used]
      .filter((provider) => !declared.has(provider))
      .sort()
      .join(","),
  );
  return parts.join("\n");
}

/**
 * Adds the provider (the type's prefix) of every resource, data source and ephemeral
 * resource, including the data sources nested in check blocks.
 */
function collectProviders(document: Record<string, unknown>, into: Set<string>): void {
  const blocks = [document, ...Object.values(asObject(document.check)).flatMap((check) => [check].flat())];
  for (const block of blocks) {
    for (const key of TYPED_BLOCKS) {
      for (const type of Object.keys(asObject(asObject(block)[key]))) into.add(type.split("_")[0] ?? type);
    }
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
