import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * The file a worker thread runs: `name`.js beside the module at `base` (its import.meta.url),
 * as tsc lays it out, or `name`.mjs beside a chunk of the CLI bundle. From source (tests, tsx), a worker does not
 * inherit the TypeScript loader, so a one-line bootstrap loads `name`.ts through tsx.
 */
export function workerEntry(name: string, base: string): URL {
  if (!base.endsWith(".ts")) return new URL(`./${name}${base.endsWith(".mjs") ? ".mjs" : ".js"}`, base);
  const tsx = tsxEsmApi();
  const source = new URL(`./${name}.ts`, base).href;
  const bootstrap = `const { tsImport } = await import(${JSON.stringify(tsx)}); await tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

/** tsx's ESM API as a file URL (a data: module cannot resolve a package name itself). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const { exports } = JSON.parse(readFileSync(manifest, "utf8")) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  return new URL(exports["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs", pathToFileURL(manifest))
    .href;
}
