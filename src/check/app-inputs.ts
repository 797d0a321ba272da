import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";

/**
 * What a compiled cdktf app read while it ran, so a later sweep can tell, without running
 * it, that it would read the same: a preload (`node --import`, before the app's first line)
 * records every file it read, every folder it listed, every path whose existence it looked
 * at, and every environment variable it read; anything it cannot replay (starting a
 * process, opening a connection, a worker) marks the run as untracked. The app's own
 * sources, packages and lock file are the compiled bundle's digest (compiled-app.ts); node's
 * module loader does not go through the patched functions, and paths under a node_modules
 * folder are the packages' (the lock file covers them), so neither is listed here.
 */
export interface AppInputs {
  readonly files: readonly string[];
  readonly dirs: readonly string[];
  readonly probes: readonly string[];
  readonly env: readonly string[];
  /** The app enumerated the environment: every variable counts. */
  readonly envAll: boolean;
  /** Why the run cannot be replayed from these inputs (empty when it can). */
  readonly untracked: readonly string[];
}

/** Where the preload writes what it saw (JSON), set by the CLI for the app's run. */
export const APP_INPUTS_ENV = "TEMPGRANT_APP_INPUTS";

/** Variables the CLI gives a different value on every run: the clock, which the fast path replaces. */
const PER_RUN_ENV = new Set(["TEMPGRANT_NOW", APP_INPUTS_ENV]);

/**
 * The preload, as a module: wraps node:fs, child_process, net and worker_threads functions
 * and process.env, and writes the report at exit. Reads of TEMPGRANT_NOW by the app's own
 * code (not tempgrant's library) are untracked: its output would depend on the clock in a
 * way the fast path cannot replay.
 */
const PRELOAD = String.raw`
import fs from "node:fs";
import childProcess from "node:child_process";
import net from "node:net";
import workerThreads from "node:worker_threads";
import { syncBuiltinESMExports } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
const report = process.env.${APP_INPUTS_ENV};
const seen = { files: new Set(), dirs: new Set(), probes: new Set(), env: new Set(), envAll: false, untracked: new Set() };
const pathOf = (p) => { try { return typeof p === "string" ? resolve(p) : p instanceof URL ? fileURLToPath(p) : Buffer.isBuffer(p) ? resolve(p.toString()) : undefined; } catch { return undefined; } };
const note = (set, p) => { const path = pathOf(p); if (path && !/[\\/]node_modules([\\/]|$)/.test(path)) set.add(path); };
const wrap = (target, names, set) => { for (const name of names) { const original = target[name]; if (typeof original !== "function") continue; target[name] = function (p, ...rest) { note(set, p); return original.call(this, p, ...rest); }; } };
const content = ["readFileSync", "readFile", "openSync", "open", "createReadStream"];
const listing = ["readdirSync", "readdir", "opendirSync", "opendir"];
const probing = ["existsSync", "exists", "statSync", "stat", "lstatSync", "lstat", "accessSync", "access", "realpathSync", "realpath"];
wrap(fs, content, seen.files); wrap(fs.promises, content, seen.files);
wrap(fs, listing, seen.dirs); wrap(fs.promises, listing, seen.dirs);
wrap(fs, probing, seen.probes); wrap(fs.promises, probing, seen.probes);
const refuse = (target, names, why) => { for (const name of names) { const original = target[name]; if (typeof original !== "function") continue; target[name] = function (...args) { seen.untracked.add(why); return original.apply(this, args); }; } };
refuse(childProcess, ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"], "it starts processes");
refuse(net.Socket.prototype, ["connect"], "it opens network connections");
const OriginalWorker = workerThreads.Worker;
workerThreads.Worker = class extends OriginalWorker { constructor(...args) { seen.untracked.add("it starts workers"); super(...args); } };
syncBuiltinESMExports();
const environment = process.env;
const own = (frame) => frame && !/node:|node_modules|data:text/.test(frame);
process.env = new Proxy(environment, {
  get(target, key) { if (typeof key === "string") { seen.env.add(key); if (key === "TEMPGRANT_NOW" && own(new Error().stack?.split("\n")[2])) seen.untracked.add("its own code reads TEMPGRANT_NOW"); } return Reflect.get(target, key); },
  has(target, key) { if (typeof key === "string") seen.env.add(key); return Reflect.has(target, key); },
  getOwnPropertyDescriptor(target, key) { if (typeof key === "string") seen.env.add(key); return Reflect.getOwnPropertyDescriptor(target, key); },
  ownKeys(target) { seen.envAll = true; return Reflect.ownKeys(target); },
});
const writeFileSync = fs.writeFileSync;
process.on("exit", () => {
  if (!report) return;
  const sorted = (set) => [...set].filter((path) => path !== report).sort();
  writeFileSync(report, JSON.stringify({ files: sorted(seen.files), dirs: sorted(seen.dirs), probes: sorted(seen.probes), env: [...seen.env].sort(), envAll: seen.envAll, untracked: [...seen.untracked].sort() }));
});
`;

/** The node flag that loads the preload (a data: URL: nothing to install or keep in step). */
export function appInputsPreloadFlags(): string[] {
  return ["--import", `data:text/javascript,${encodeURIComponent(PRELOAD)}`];
}

/** Reads the preload's report; undefined when it is missing or not its shape (fail closed: no fast path). */
export function readAppInputs(file: string): AppInputs | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<AppInputs>;
    const strings = (value: unknown): value is string[] =>
      Array.isArray(value) && value.every((item) => typeof item === "string");
    if (
      !strings(parsed.files) ||
      !strings(parsed.dirs) ||
      !strings(parsed.probes) ||
      !strings(parsed.env) ||
      !strings(parsed.untracked) ||
      typeof parsed.envAll !== "boolean"
    )
      return undefined;
    return parsed as AppInputs;
  } catch {
    return undefined;
  }
}

/**
 * A digest of what the inputs hold now: each file's content, each folder's listing, each
 * probed path's kind, each variable's value in `env` (the app's environment), the clock's
 * excepted; outputs under `ignore` (the synthesis folder) are left out.
 */
export function appInputsDigest(
  inputs: AppInputs,
  env: NodeJS.ProcessEnv,
  ignore: readonly string[] = [],
): string {
  const hash = createHash("sha256");
  const add = (label: string, value: string | Buffer) => {
    hash.update(`${label}\0${Buffer.byteLength(value)}\0`);
    hash.update(value);
  };
  const skipped = (path: string) => ignore.some((dir) => path === dir || path.startsWith(`${resolve(dir)}/`));
  for (const file of inputs.files.filter((path) => !skipped(path))) {
    add("file", file);
    add("content", kindOf(file) === "file" ? readFileSync(file) : `\0${kindOf(file)}`);
  }
  for (const dir of inputs.dirs.filter((path) => !skipped(path))) {
    add("dir", dir);
    add("entries", kindOf(dir) === "dir" ? readdirSync(dir).sort().join("\n") : `\0${kindOf(dir)}`);
  }
  for (const probe of inputs.probes.filter((path) => !skipped(path))) {
    add("probe", probe);
    add("kind", kindOf(probe));
  }
  const names = inputs.envAll ? Object.keys(env) : inputs.env;
  for (const name of [...new Set(names)].filter((key) => !PER_RUN_ENV.has(key)).sort()) {
    add("env", name);
    add("value", env[name] === undefined ? "\0unset" : `=${env[name]}`);
  }
  return hash.digest("hex");
}

function kindOf(path: string): "file" | "dir" | "other" | "absent" {
  if (!existsSync(path)) return "absent";
  const stat = statSync(path);
  return stat.isFile() ? "file" : stat.isDirectory() ? "dir" : "other";
}
