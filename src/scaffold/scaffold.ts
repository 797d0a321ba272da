import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { TempgrantError } from "../errors.js";
import { makeDirectory } from "../exec/make-directory.js";
import { formatTimestamp } from "../grant/time.js";
import { ownManifest, templatesDir } from "./package-root.js";
import { renderTemplate } from "./render-template.js";
import { TEMPLATE_FILES, wantsCi, type CiChoice } from "./template-files.js";

/** How long the example grants last from the moment of init: active at once, expired by tomorrow. */
export const EXAMPLE_GRANT_SECONDS = 8 * 3_600;

/** Options of {@link scaffoldFiles}. */
export interface ScaffoldOptions {
  /** The new repo's package name. */
  readonly name: string;
  /** The tempgrant dependency as package.json spells it. */
  readonly tempgrantSpec: string;
  /** Init's clock (epoch seconds): the example grants start then. */
  readonly now: number;
  readonly ci: CiChoice;
}

/** One file to write, relative to the new repo. */
export interface ScaffoldFile {
  readonly path: string;
  readonly contents: string;
}

/** The files of a new grants repo, rendered from the shipped templates. Reads, never writes. */
export function scaffoldFiles(options: ScaffoldOptions): ScaffoldFile[] {
  const { dependencies, devDependencies } = ownManifest();
  const range = (name: string, from: Readonly<Record<string, string>>): string => {
    const found = from[name];
    if (!found) throw new TempgrantError("INTERNAL", `tempgrant's package.json has no ${name} to pin`);
    return found;
  };
  const values: Record<string, string> = {
    NAME: options.name,
    TEMPGRANT_SPEC: options.tempgrantSpec,
    NOW: formatTimestamp(options.now),
    STARTS_AT: formatTimestamp(options.now),
    EXPIRES_AT: formatTimestamp(options.now + EXAMPLE_GRANT_SECONDS),
    CDKTF_RANGE: range("cdktf", dependencies),
    CONSTRUCTS_RANGE: range("constructs", dependencies),
    TSX_RANGE: range("tsx", devDependencies),
    TYPESCRIPT_RANGE: range("typescript", devDependencies),
    TYPES_NODE_RANGE: range("@types/node", devDependencies),
  };
  const templates = templatesDir();
  return TEMPLATE_FILES.filter((file) => !file.ci || wantsCi(options.ci, file.ci)).map((file) => {
    const text = readFileSync(join(templates, file.template), "utf8");
    return { path: file.path, contents: file.render ? renderTemplate(text, values, file.template) : text };
  });
}

/**
 * Writes the files under `dir` (created when missing). Without `force`, nothing is written
 * when any of them exists; the error names the first.
 */
export function writeScaffold(
  dir: string,
  files: readonly ScaffoldFile[],
  options: { force: boolean },
): string[] {
  refuseExisting(
    dir,
    files.map((file) => file.path),
    options,
  );
  return files.map((file) => {
    const target = join(dir, file.path);
    makeDirectory(dirname(target));
    writeFileSync(target, file.contents);
    return target;
  });
}

/**
 * Throws USAGE when `dir` is a file, or, without `force`, when any of the paths exists in it
 * (naming the first). Run before anything slow, so a refusal costs nothing.
 */
export function refuseExisting(dir: string, paths: readonly string[], options: { force: boolean }): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new TempgrantError("USAGE", `${dir} is a file: give a folder to create the repo in`);
  const existing = paths.filter((path) => existsSync(join(dir, path)));
  const first = existing[0];
  if (first && !options.force) {
    const more = existing.length > 1 ? ` (and ${existing.length - 1} more)` : "";
    throw new TempgrantError(
      "USAGE",
      `${join(dir, first)} already exists${more}: nothing written; pass --force to overwrite`,
    );
  }
}

/** A valid npm package name from the folder's name. */
export function packageNameFor(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|-+$/g, "")
    .slice(0, 214);
  return name || "grants";
}

/**
 * The tempgrant dependency as given with `--tempgrant-spec`: a local tarball or folder becomes
 * an absolute `file:` spec, because npm would resolve a relative one from the new repo, not
 * from where init was run. Without the option, init packs itself into the repo instead.
 */
export function dependencySpec(spec: string, cwd: string): string {
  if (spec.includes("://")) return spec;
  const path = spec.replace(/^file:/, "");
  const local = /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(path) || /\.(tgz|tar\.gz)$/.test(path);
  return local ? `file:${resolve(cwd, path)}` : spec;
}
