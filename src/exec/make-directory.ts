import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { TempgrantError } from "../errors.js";

/**
 * Creates a folder and its missing parents, one level at a time. Node's own
 * `mkdirSync(path, { recursive: true })` spins forever when mkdir answers ENOENT for a parent
 * that exists (under /proc, for one); a user-given path must fail with a message instead.
 */
export function makeDirectory(path: string): void {
  const absolute = resolve(path);
  const missing: string[] = [];
  for (let dir = absolute; !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue;
      throw new TempgrantError(
        "INVALID_INPUT",
        `${path}: cannot create the folder ${dir} (${code ?? (error as Error).message}); choose a folder you can write to`,
      );
    }
  }
}
