import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/** Every executable file called `name` on PATH, in PATH order. */
export function findAllOnPath(name: string, path: string = process.env.PATH ?? ""): string[] {
  const found: string[] = [];
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (!found.includes(candidate)) found.push(candidate);
    } catch {
      // not here, or not executable
    }
  }
  return found;
}
