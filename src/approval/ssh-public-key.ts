import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { SshWireError, SshWireReader } from "./ssh-wire.js";

/**
 * OpenSSH public keys, read from their wire blob (the base64 of an `ssh-ed25519 AAAA...` line)
 * into node:crypto key objects. Supported: ssh-ed25519, ecdsa-sha2-nistp256/384/521 and
 * ssh-rsa (2048 bits and more). Security-key (sk-*) and certificate types are refused: their
 * signatures carry more than a key proves, and tempgrant does not check it.
 */
export interface SshPublicKey {
  readonly type: string;
  readonly key: KeyObject;
  /** The wire blob, which identifies the key: two lines name the same key when their blobs are equal. */
  readonly blob: Buffer;
  /** `SHA256:<base64>`, as `ssh-keygen -l` prints it. */
  readonly fingerprint: string;
}

const CURVES: Readonly<Record<string, { name: string; crv: string; size: number }>> = {
  "ecdsa-sha2-nistp256": { name: "nistp256", crv: "P-256", size: 32 },
  "ecdsa-sha2-nistp384": { name: "nistp384", crv: "P-384", size: 48 },
  "ecdsa-sha2-nistp521": { name: "nistp521", crv: "P-521", size: 66 },
};

/** RSA keys shorter than this are refused, as OpenSSH refuses them (SSH_RSA_MINIMUM_MODULUS_SIZE). */
const RSA_MIN_BITS = 1024;

/** The ecdsa curve's coordinate size, for signature encoding; undefined for other types. */
export function curveSize(type: string): number | undefined {
  return CURVES[type]?.size;
}

/**
 * Keys already parsed, by blob: a check verifies thousands of signatures by a handful of
 * approvers, and importing a key into node:crypto costs more than verifying with it.
 */
const parsedKeys = new Map<string, SshPublicKey>();
const MAX_CACHED_KEYS = 10_000;

/** Parses a public key blob; throws SshWireError with a reason when it is not a supported key. */
export function parseSshPublicKey(blob: Buffer): SshPublicKey {
  const id = blob.toString("base64");
  const cached = parsedKeys.get(id);
  if (cached) return cached;
  const key = parseUncached(blob);
  if (parsedKeys.size >= MAX_CACHED_KEYS) parsedKeys.clear();
  parsedKeys.set(id, key);
  return key;
}

function parseUncached(blob: Buffer): SshPublicKey {
  const reader = new SshWireReader(blob);
  const type = reader.text();
  let key: KeyObject;
  if (type === "ssh-ed25519") {
    const point = reader.string();
    if (point.length !== 32) throw new SshWireError("an ed25519 key is not 32 bytes");
    key = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: point.toString("base64url") },
      format: "jwk",
    });
  } else if (CURVES[type]) {
    const curve = CURVES[type];
    if (reader.text() !== curve.name) throw new SshWireError(`the curve does not match ${type}`);
    const point = reader.string();
    if (point.length !== 1 + 2 * curve.size || point[0] !== 4)
      throw new SshWireError("an ecdsa key is not an uncompressed point");
    key = createPublicKey({
      key: {
        kty: "EC",
        crv: curve.crv,
        x: point.subarray(1, 1 + curve.size).toString("base64url"),
        y: point.subarray(1 + curve.size).toString("base64url"),
      },
      format: "jwk",
    });
  } else if (type === "ssh-rsa") {
    const e = reader.mpint();
    const n = reader.mpint();
    key = createPublicKey({
      key: { kty: "RSA", e: e.toString("base64url"), n: n.toString("base64url") },
      format: "jwk",
    });
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < RSA_MIN_BITS)
      throw new SshWireError(`an RSA key shorter than ${RSA_MIN_BITS} bits`);
  } else {
    throw new SshWireError(
      `key type ${JSON.stringify(type)} is not supported (use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa)`,
    );
  }
  reader.end();
  let fingerprint: string | undefined;
  return {
    type,
    key,
    blob,
    // Only messages need it: computed on first use.
    get fingerprint() {
      return (fingerprint ??= `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`);
    },
  };
}
