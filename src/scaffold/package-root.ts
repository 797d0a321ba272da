import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TempgrantError } from "../errors.js";

/** What init needs from tempgrant's own package.json. */
export interface OwnManifest {
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/**
 * The folder of the tempgrant package: the checkout when run from source, or
 * node_modules/tempgrant when installed. Found by walking up to our own package.json,
 * because src/ and dist/src/ sit at different depths.
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && readManifest(manifest).name === "tempgrant") return dir;
    if (dirname(dir) === dir) break;
  }
  throw new TempgrantError(
    "INTERNAL",
    `cannot find tempgrant's package.json above ${from}: reinstall tempgrant`,
  );
}

/** The templates that ship with the package (`templates/` at its root). */
export function templatesDir(): string {
  return join(packageRoot(), "templates");
}

/** tempgrant's version and dependency ranges, so a new repo pins what this release was built with. */
export function ownManifest(): OwnManifest {
  const parsed = readManifest(join(packageRoot(), "package.json"));
  return {
    version: parsed.version ?? "0.0.0",
    dependencies: parsed.dependencies ?? {},
    devDependencies: parsed.devDependencies ?? {},
  };
}

function readManifest(path: string): {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
} {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ReturnType<typeof readManifest>;
  } catch {
    return {};
  }
}
