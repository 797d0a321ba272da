import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * Runs a TypeScript cdktf app without a TypeScript loader. `tsx` (or `node --import tsx`)
 * transforms every source file on every run, which at sweep time costs more than synthesis
 * itself (about 1 s of a 3.7 s sweep of 100 grants). Here the app's own sources are bundled
 * once with esbuild (the compiler tsx itself uses; packages stay imports from node_modules,
 * resolved at run time as before) into node_modules/.cache/tempgrant-app/, keyed by a digest
 * of every input: each source file the bundle includes (esbuild's metafile), the folders
 * they sit in (a new file could change what an import resolves to), package.json,
 * tsconfig.json, the lock file, esbuild's version and these options. A bundle is reused only
 * while that digest is unchanged, so a stale bundle is never run.
 *
 * Only what bundling cannot change is compiled; everything else runs as the user wrote it
 * (`undefined`): an ES module project (package.json "type": "module") whose app is
 * `tsx FILE`, `npx tsx FILE` or `node --import tsx FILE` (or `--loader`), whose sources
 * (inside the project, no node_modules of their own on the way) do not look at where they
 * are (`import.meta`, `__dirname`, `__filename`, `require`), and that esbuild bundles
 * without a warning. A source tsx could not compile is left to tsx, which reports it as
 * before.
 */

/** The argument vector that runs the compiled app, or undefined to run the app as written. */
export async function compiledAppCommand(
  projectDir: string,
  argv: readonly string[],
  options: { readonly outdir?: string } = {},
): Promise<readonly string[] | undefined> {
  return (await compiledApp(projectDir, argv, options))?.argv;
}

/** The compiled app: the bundle (its file name is the digest of its inputs) and what runs it. */
export interface CompiledApp {
  readonly bundle: string;
  /** node, its flags, the bundle, the app's own arguments. */
  readonly argv: readonly string[];
}

/** {@link compiledAppCommand}, with the bundle it runs. */
export async function compiledApp(
  projectDir: string,
  argv: readonly string[],
  options: { readonly outdir?: string } = {},
): Promise<CompiledApp | undefined> {
  const form = loaderForm(argv);
  if (!form) return undefined;
  const project = resolve(projectDir);
  const entry = resolve(project, form.file);
  if (!isInside(project, entry) || !existsSync(entry) || !TS_EXTENSIONS.has(extname(entry))) return undefined;
  if (!isModuleProject(project) || !existsSync(join(project, "node_modules"))) return undefined;
  const cacheDir = join(project, "node_modules", ".cache", "tempgrant-app", shortDigest(entry));
  // What synthesis and tempgrant write into the project is no source: left out of folder listings.
  const written = new Set([
    resolve(project, options.outdir ?? "cdktf.out"),
    join(project, ".tempgrant"),
    join(project, "node_modules"),
  ]);
  const context: ProjectContext = { project, written };
  const cached = cachedDecision(context, cacheDir);
  const bundle = cached === undefined ? await buildBundle(context, entry, cacheDir) : cached;
  if (!bundle) return undefined;
  return { bundle, argv: [form.node, ...form.nodeFlags, "--enable-source-maps", bundle, ...form.appArgs] };
}

/** The project, and what synthesis and tempgrant write into it (no source of the app). */
interface ProjectContext {
  readonly project: string;
  readonly written: ReadonlySet<string>;
}

/** The app command's parts when it is one of the loader forms this module compiles. */
interface LoaderForm {
  readonly node: string;
  readonly nodeFlags: readonly string[];
  readonly file: string;
  readonly appArgs: readonly string[];
}

const TS_EXTENSIONS = new Set([".ts", ".mts", ".tsx"]);

/** Node flags that take no separate value, kept when the app is compiled. */
const PLAIN_NODE_FLAGS = new Set([
  "--no-warnings",
  "--enable-source-maps",
  "--no-deprecation",
  "--trace-warnings",
]);

/** `tsx FILE`, `npx tsx FILE`, `node --import tsx FILE` (or `--loader`), with the app's own arguments after FILE. */
function loaderForm(argv: readonly string[]): LoaderForm | undefined {
  const [first, ...rest] = argv;
  if (first === "tsx" || (first === "npx" && rest[0] === "tsx")) {
    const afterTsx = first === "npx" ? rest.slice(1) : rest;
    const [file, ...appArgs] = afterTsx;
    if (!file || file.startsWith("-")) return undefined;
    return { node: process.execPath, nodeFlags: [], file, appArgs };
  }
  if (first !== "node") return undefined;
  const nodeFlags: string[] = [];
  let loader = false;
  for (let i = 0; i < rest.length; i += 1) {
    const part = rest[i] as string;
    if ((part === "--import" || part === "--loader") && rest[i + 1] === "tsx") {
      loader = true;
      i += 1;
    } else if (part === "--import=tsx" || part === "--loader=tsx") {
      loader = true;
    } else if (PLAIN_NODE_FLAGS.has(part) || /^--[a-z][\w-]*=/.test(part)) {
      // Another loader or preload would still expect to see the TypeScript source.
      if (/^--(import|loader|experimental-loader|require)=/.test(part)) return undefined;
      nodeFlags.push(part);
    } else if (part.startsWith("-")) {
      return undefined;
    } else {
      return loader ? { node: "node", nodeFlags, file: part, appArgs: rest.slice(i + 1) } : undefined;
    }
  }
  return undefined;
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

function isModuleProject(project: string): boolean {
  return isModuleFolder(project, project);
}

/** True when the package.json nearest to `dir` (up to the project) makes its .ts files ES modules, as the bundle runs them. */
function isModuleFolder(project: string, dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    const manifest = join(current, "package.json");
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module";
      } catch {
        return false;
      }
    }
    if (current === project || !current.startsWith(project + sep)) return false;
  }
}

/** Raised by this module's version: a bundle written by another version of it is not reused. */
const FORMAT = "tempgrant-app/1";

/** The esbuild options; part of the digest. */
const BUILD_OPTIONS = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  sourcesContent: false,
} as const;

/** Lock files at the project's root: a change of any package may change what the app imports. */
const LOCK_FILES = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"];

/**
 * What the cache keeps: the inputs of the last build and the digest they had, and the
 * bundle's file name, or null when the app must run as written (so unchanged sources that
 * cannot be compiled are not bundled again on every run).
 */
interface CacheRecord {
  readonly format: string;
  readonly esbuild: string;
  readonly inputs: readonly string[];
  readonly digest: string;
  readonly bundle: string | null;
}

/**
 * The files besides the sources that decide what the bundle is: every package.json and
 * tsconfig.json from a source's folder up to the project (module type, import maps,
 * compiler options), a tsconfig's relative `extends`, and the lock files.
 */
function settingsFiles(project: string, inputs: readonly string[]): string[] {
  const files = new Set(LOCK_FILES);
  for (const input of inputs) {
    for (let dir = dirname(input); ; dir = dirname(dir)) {
      for (const name of ["package.json", "tsconfig.json"]) files.add(dir === "." ? name : `${dir}/${name}`);
      if (dir === "." || dir === "/" || dir === "") break;
    }
  }
  for (const file of [...files].filter((name) => name.endsWith("tsconfig.json"))) {
    const path = join(project, file);
    if (!existsSync(path)) continue;
    const extended = /"extends"\s*:\s*"(\.[^"]*)"/.exec(readFileSync(path, "utf8"))?.[1];
    if (extended)
      files.add(
        relative(project, resolve(dirname(path), extended))
          .split(sep)
          .join("/"),
      );
  }
  return [...files];
}

/** The digest of everything the bundle depends on (see the module comment). */
function inputsDigest(context: ProjectContext, inputs: readonly string[], esbuildVersion: string): string {
  const { project, written } = context;
  const hash = createHash("sha256");
  const add = (label: string, value: string | Buffer) => {
    hash.update(`${label}\0${Buffer.byteLength(value)}\0`);
    hash.update(value);
  };
  add("format", FORMAT);
  add("esbuild", esbuildVersion);
  add("options", JSON.stringify(BUILD_OPTIONS));
  for (const file of [...new Set([...inputs, ...settingsFiles(project, inputs)])].sort()) {
    const path = join(project, file);
    add("file", file);
    add("content", existsSync(path) ? readFileSync(path) : "\0absent");
  }
  for (const dir of [...new Set(inputs.map((input) => dirname(input)))].sort()) {
    add("dir", dir);
    const entries = readdirSync(join(project, dir)).filter((name) => !written.has(join(project, dir, name)));
    add("entries", entries.sort().join("\n"));
  }
  return hash.digest("hex");
}

/**
 * What an earlier run decided, while every input still has the digest it had then: the
 * bundle to run, or null to run the app as written; undefined when there is nothing to reuse.
 */
function cachedDecision(context: ProjectContext, cacheDir: string): string | null | undefined {
  const { project } = context;
  try {
    const record = JSON.parse(readFileSync(join(cacheDir, "record.json"), "utf8")) as CacheRecord;
    if (record.format !== FORMAT || !Array.isArray(record.inputs) || typeof record.esbuild !== "string")
      return undefined;
    // The bundle's name is the digest it was built from: a record cannot point at another build.
    const bundle = record.bundle === null ? null : join(cacheDir, record.bundle);
    if (bundle !== null && (record.bundle !== `${record.digest}.mjs` || !existsSync(bundle)))
      return undefined;
    if (!record.inputs.every((input) => typeof input === "string" && existsSync(join(project, input))))
      return undefined;
    return inputsDigest(context, record.inputs, record.esbuild) === record.digest ? bundle : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a file of the cache by rename: a concurrent run reads the whole file or none. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** Writes the record (last, after the bundle it names). */
function writeRecord(cacheDir: string, record: CacheRecord): void {
  mkdirSync(cacheDir, { recursive: true });
  writeAtomically(join(cacheDir, "record.json"), JSON.stringify(record));
}

/** Bundles the app into the cache; undefined when it must run as written. */
async function buildBundle(
  context: ProjectContext,
  entry: string,
  cacheDir: string,
): Promise<string | undefined> {
  const { project } = context;
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch {
    return undefined;
  }
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      ...BUILD_OPTIONS,
      absWorkingDir: project,
      entryPoints: [entry],
      outfile: join(cacheDir, "bundle.mjs"),
      metafile: true,
      write: false,
      logLevel: "silent",
    });
  } catch {
    return undefined;
  }
  if (!result.metafile) return undefined;
  const inputs = Object.keys(result.metafile.inputs);
  const digest = inputsDigest(context, inputs, esbuild.version);
  const code = (result.outputFiles ?? []).find((file) => file.path.endsWith(".mjs"));
  const map = (result.outputFiles ?? []).find((file) => file.path.endsWith(".mjs.map"));
  if (result.warnings.length > 0 || !code || !inputs.every((input) => bundlingKeeps(project, input))) {
    writeRecord(cacheDir, { format: FORMAT, esbuild: esbuild.version, inputs, digest, bundle: null });
    return undefined;
  }
  const name = `${digest}.mjs`;
  mkdirSync(cacheDir, { recursive: true });
  const text = code.text.replace(
    /\/\/# sourceMappingURL=bundle\.mjs\.map\s*$/,
    `//# sourceMappingURL=${name}.map\n`,
  );
  if (map) writeAtomically(join(cacheDir, `${name}.map`), map.text);
  writeAtomically(join(cacheDir, name), text);
  writeRecord(cacheDir, { format: FORMAT, esbuild: esbuild.version, inputs, digest, bundle: name });
  return join(cacheDir, name);
}

/** True when a source behaves the same bundled: inside the project, resolving as before, not looking at where it is. */
function bundlingKeeps(project: string, input: string): boolean {
  const path = resolve(project, input);
  if (!isInside(project, path) || input.split(/[\\/]/).includes("node_modules")) return false;
  if (hasNodeModulesBetween(project, dirname(path))) return false;
  if (!isModuleFolder(project, dirname(path))) return false;
  return !LOOKS_AT_ITS_LOCATION.test(readFileSync(path, "utf8"));
}

/** Source that depends on the file it is in, which a bundle in another folder would change. */
const LOOKS_AT_ITS_LOCATION = /\bimport\.meta\b|\b__dirname\b|\b__filename\b|\brequire\s*[.(]/;

/** True when a folder between the project and `dir` has a node_modules of its own (imports there resolve differently). */
function hasNodeModulesBetween(project: string, dir: string): boolean {
  for (
    let current = dir;
    current !== project && current.startsWith(project + sep);
    current = dirname(current)
  ) {
    if (existsSync(join(current, "node_modules"))) return true;
  }
  return false;
}

function shortDigest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
