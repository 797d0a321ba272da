import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** The sha256 of a file's bytes, in hex: how ledgers name the exact plan that was applied. */
export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
