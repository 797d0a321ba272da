import { createHash, verify } from "node:crypto";
import { curveSize, parseSshPublicKey, type SshPublicKey } from "./ssh-public-key.js";
import { sshString, SshWireError, SshWireReader } from "./ssh-wire.js";

/**
 * OpenSSH signatures (SSHSIG, PROTOCOL.sshsig in OpenSSH's source): what `ssh-keygen -Y sign`
 * writes and git uses for signed commits. Parsed and verified here, in-process, so CI needs
 * no ssh-keygen. No npm library verifies SSHSIG (sshpk, the usual SSH key library, has no
 * support for it), and the format is small: a fixed blob of SSH wire strings.
 */

/** The namespace tempgrant's approvals are signed in: a signature made for git or for files never counts. */
export const APPROVAL_NAMESPACE = "tempgrant-grant";

const MAGIC = Buffer.from("SSHSIG", "ascii");
const ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----";
const ARMOR_END = "-----END SSH SIGNATURE-----";

/** A parsed SSHSIG: who signed (the key), in which namespace, and the signature. */
export interface SshSignature {
  readonly publicKey: SshPublicKey;
  readonly namespace: string;
  readonly hashAlgorithm: "sha256" | "sha512";
  readonly signatureAlgorithm: string;
  readonly signature: Buffer;
}

/** Why a signature text is not a signature tempgrant can verify. */
export class SshSignatureError extends Error {}

/** Parses an armored SSHSIG (`-----BEGIN SSH SIGNATURE-----`); throws SshSignatureError saying what is wrong. */
export function parseSshSignature(armored: string): SshSignature {
  const text = armored.replace(/\r\n/g, "\n").trim();
  if (!text.startsWith(ARMOR_BEGIN) || !text.endsWith(ARMOR_END))
    throw new SshSignatureError("not an SSH signature (no -----BEGIN SSH SIGNATURE----- armor)");
  const body = text.slice(ARMOR_BEGIN.length, text.length - ARMOR_END.length).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new SshSignatureError("the signature is not base64");
  const blob = Buffer.from(body, "base64");
  try {
    const reader = new SshWireReader(blob);
    if (!reader.raw(MAGIC.length).equals(MAGIC)) throw new SshSignatureError("no SSHSIG magic");
    const version = reader.uint32();
    if (version !== 1) throw new SshSignatureError(`SSHSIG version ${version} is not supported`);
    const publicKey = parseSshPublicKey(reader.string());
    const namespace = reader.text();
    reader.string(); // reserved
    const hashAlgorithm = reader.text();
    if (hashAlgorithm !== "sha256" && hashAlgorithm !== "sha512")
      throw new SshSignatureError(`hash algorithm ${JSON.stringify(hashAlgorithm)} is not allowed`);
    const signatureBlob = new SshWireReader(reader.string());
    reader.end();
    const signatureAlgorithm = signatureBlob.text();
    const signature = signatureBlob.string();
    signatureBlob.end();
    return { publicKey, namespace, hashAlgorithm, signatureAlgorithm, signature };
  } catch (error) {
    if (error instanceof SshWireError) throw new SshSignatureError(`malformed signature: ${error.message}`);
    throw error;
  }
}

/**
 * The bytes an SSHSIG signs over a message: the magic, the namespace, the reserved string,
 * the hash algorithm and the message's hash. The namespace is inside, so a signature made
 * for another namespace never verifies here, whatever the namespace field claims.
 */
function signedData(namespace: string, hashAlgorithm: string, message: Buffer): Buffer {
  return Buffer.concat([
    MAGIC,
    sshString(namespace),
    sshString(Buffer.alloc(0)),
    sshString(hashAlgorithm),
    sshString(createHash(hashAlgorithm).update(message).digest()),
  ]);
}

/**
 * Outcomes of ed25519 verifications started ahead on libuv's thread pool
 * ({@link verifySshSignatureAhead}), by key, signature and signed bytes: the same inputs give
 * the same outcome, so a check finds it here instead of verifying on the main thread again.
 */
const verifiedAhead = new Map<string, boolean>();
/** Outcomes kept at most: far above one check's signatures; past it, the oldest half goes. */
const VERIFIED_AHEAD_LIMIT = 1_000_000;

function aheadKey(signature: SshSignature, data: Buffer): string {
  return `${signature.publicKey.fingerprint} ${signature.signature.toString("base64")} ${data.toString("base64")}`;
}

/**
 * Starts verifying an ed25519 `signature` over `message` on the thread pool (other cores),
 * so that {@link sshSignatureVerifies} later finds the outcome made: a check of thousands of
 * approvals does not verify them one by one on its own thread. Other key types are verified
 * when asked, as before.
 */
export function verifySshSignatureAhead(
  signature: SshSignature,
  message: string,
  namespace: string,
): Promise<void> {
  if (signature.namespace !== namespace) return Promise.resolve();
  if (signature.publicKey.type !== "ssh-ed25519" || signature.signatureAlgorithm !== "ssh-ed25519")
    return Promise.resolve();
  const data = signedData(namespace, signature.hashAlgorithm, Buffer.from(message, "utf8"));
  const key = aheadKey(signature, data);
  if (verifiedAhead.has(key)) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      verify(null, data, signature.publicKey.key, signature.signature, (error, valid) => {
        if (verifiedAhead.size >= VERIFIED_AHEAD_LIMIT)
          for (const old of [...verifiedAhead.keys()].slice(0, VERIFIED_AHEAD_LIMIT / 2))
            verifiedAhead.delete(old);
        verifiedAhead.set(key, !error && valid);
        resolve();
      });
    } catch {
      resolve(); // verified when asked, which says no for the same reason
    }
  });
}

/** Whether `signature` is a valid signature by its own key over `message` in `namespace`. */
export function sshSignatureVerifies(signature: SshSignature, message: string, namespace: string): boolean {
  if (signature.namespace !== namespace) return false;
  const data = signedData(namespace, signature.hashAlgorithm, Buffer.from(message, "utf8"));
  const { key, type } = signature.publicKey;
  const algorithm = signature.signatureAlgorithm;
  try {
    if (type === "ssh-ed25519") {
      if (algorithm !== "ssh-ed25519") return false;
      const ahead = verifiedAhead.size > 0 ? verifiedAhead.get(aheadKey(signature, data)) : undefined;
      return ahead ?? verify(null, data, key, signature.signature);
    }
    const size = curveSize(type);
    if (size !== undefined) {
      if (algorithm !== type) return false;
      // The signature is two mpints, r and s; node:crypto takes them as fixed-size r || s.
      const reader = new SshWireReader(signature.signature);
      const r = reader.mpint();
      const s = reader.mpint();
      reader.end();
      if (r.length > size || s.length > size) return false;
      const ieee = Buffer.concat([Buffer.alloc(size - r.length), r, Buffer.alloc(size - s.length), s]);
      const hash = { 32: "sha256", 48: "sha384", 66: "sha512" }[size]!;
      return verify(hash, data, { key, dsaEncoding: "ieee-p1363" }, ieee);
    }
    if (type === "ssh-rsa") {
      // SSHSIG forbids SHA-1 RSA signatures (ssh-rsa); only the SHA-2 ones count.
      const hash = { "rsa-sha2-256": "sha256", "rsa-sha2-512": "sha512" }[algorithm];
      return hash !== undefined && verify(hash, data, key, signature.signature);
    }
  } catch {
    return false;
  }
  return false;
}
