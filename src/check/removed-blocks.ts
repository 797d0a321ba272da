import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TempgrantError } from "../errors.js";
import type { RemovedBlock } from "../plan/code-runners.js";

/**
 * The `removed` blocks with provisioners of a synthesized stack (`stackDir/cdk.tf.json`). Tofu's
 * plan JSON leaves `removed` blocks out, provisioners and all, so a destroy-time `local-exec`
 * there would run unseen: read from the configuration instead. None when the folder holds no
 * synthesized stack (a plan checked on its own); an unreadable one is an error, not "none".
 */
export function removedBlocksOf(stackDir: string): RemovedBlock[] {
  const path = join(stackDir, "cdk.tf.json");
  if (!existsSync(path)) return [];
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new TempgrantError(
      "INVALID_INPUT",
      `${path}: cannot read its removed blocks: ${(error as Error).message}`,
    );
  }
  const blocks: RemovedBlock[] = [];
  // JSON syntax writes a block as an object or as a list of them.
  for (const block of asList((config as { removed?: unknown } | null)?.removed)) {
    const from = (block as { from?: unknown } | null)?.from;
    const provisioners = asList((block as { provisioner?: unknown } | null)?.provisioner).flatMap((entry) =>
      typeof entry === "object" && entry !== null ? Object.keys(entry) : ["unnamed"],
    );
    if (provisioners.length > 0) blocks.push({ from: typeof from === "string" ? from : "?", provisioners });
  }
  return blocks;
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
