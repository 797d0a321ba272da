// Bundles the `tempgrant` CLI into dist/cli/ (the package's bin), one chunk per command.
// Why: Node spends more time finding, reading and wrapping a few hundred small module files
// (yaml alone is ~80) than running them; with one chunk per command a check of a small plan
// takes 190 ms instead of 255. The library (main, types) stays tsc's output in dist/src.
// Usage: tsx scripts/bundle-cli.ts [outdir]   (npm run build runs it)
import { renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Left as imports from node_modules: big (cdktf), native-capable (pg), a native binary (esbuild,
 * which compiles the cdktf app) or only used by
 * commands that are slow anyway, and the user's cdktf app must share cdktf/constructs with
 * the grants it reads.
 */
const EXTERNAL = ["cdktf", "constructs", "@cdktf/*", "pg", "tar", "esbuild"];

export async function bundleCli(outdir: string): Promise<void> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: [
      "src/cli/main.ts",
      "src/policy/evaluation-worker.ts",
      "src/plan/unit-check-worker.ts",
      "src/approval/signature-folder-worker.ts",
    ],
    outdir,
    // Flat: each helper thread is found as ./NAME-worker.js next to the chunk that starts it.
    entryNames: "[name]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    // CommonJS dependencies (commander, yaml) require Node's built-ins; an ES module has no
    // `require` of its own, so each chunk gets one.
    banner: {
      js: 'import { createRequire as createRequireForBundle } from "node:module"; const require = createRequireForBundle(import.meta.url);',
    },
    // .mjs: Node knows each chunk is an ES module from its name, without looking for the
    // package.json above it (about 20 ms of a check's start-up, 60 chunks).
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  // The bin keeps its name (package.json, and benchmarks that run older builds' main.js).
  renameSync(join(outdir, "main.mjs"), join(outdir, "main.js"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleCli(process.argv[2] ?? "dist/cli");
}
