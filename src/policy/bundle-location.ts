import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the shipped policy pack and its compiled bundle live, from source or from dist/. */
export function policiesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth += 1) {
    if (existsSync(join(dir, "policies", "main.rego"))) return join(dir, "policies");
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "policies");
}

/** The compiled bundle that ships with the package. */
export function shippedBundlePath(): string {
  return join(policiesDir(), "bundle", "policy.wasm");
}

/** The entrypoint every evaluation uses: `{deny: [...], warn: [...]}` in one pass. */
export const VERDICTS_ENTRYPOINT = "tempgrant/main/verdicts";

/** Whether the bundle's rules may judge a plan in parts (see policies/main.rego). */
export const PARTITIONABLE_ENTRYPOINT = "tempgrant/main/partitionable";
