import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * The sha256 of what a build of the provider reads: go.mod, go.sum and every non-test Go
 * file, by path and content. Equal digests mean an equal binary (the build is -trimpath,
 * without VCS stamps), so the bootstrap rebuilds only when the source really changed.
 */
export function providerSourceDigest(sourceDir: string): string {
  const hash = createHash("sha256");
  for (const file of buildInputs(sourceDir)) {
    const content = readFileSync(file);
    hash.update(`${relative(sourceDir, file)}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

function buildInputs(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "docs" && !entry.name.startsWith(".")) walk(path);
      } else if (
        entry.name === "go.mod" ||
        entry.name === "go.sum" ||
        (entry.name.endsWith(".go") && !entry.name.endsWith("_test.go"))
      ) {
        files.push(path);
      }
    }
  };
  walk(dir);
  return files;
}
