import * as crypto from "node:crypto";

/** node's `crypto.hash` (20.12 and later), which TypeScript's node types may not declare yet. */
type OneShot = (algorithm: string, data: string | Buffer, encoding: "hex" | "buffer") => string | Buffer;

const oneShot: OneShot | undefined = (crypto as unknown as { hash?: OneShot }).hash;

/**
 * A hash of `data` (text as UTF-8) in one call: node's one-shot `crypto.hash` where it has one,
 * else a Hash object. A check hashes every grant record and every approval of a plan, and a
 * Hash object per call was about half of that cost.
 */
export function hashHex(algorithm: string, data: string | Buffer): string {
  return oneShot
    ? (oneShot(algorithm, data, "hex") as string)
    : crypto.createHash(algorithm).update(data).digest("hex");
}

/** {@link hashHex}, as bytes. */
export function hashBytes(algorithm: string, data: string | Buffer): Buffer {
  return oneShot
    ? (oneShot(algorithm, data, "buffer") as Buffer)
    : crypto.createHash(algorithm).update(data).digest();
}
