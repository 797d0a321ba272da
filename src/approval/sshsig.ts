import { verify } from "node:crypto";
import { hashBytes } from "./one-shot-hash.js";
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

/**
 * Signatures parsed already, by their text: a check parses each file when it starts verifying
 * it ahead and again when a grant's view asks for it. Parsed objects are frozen and shared.
 */
const parsedSignatures = new Map<string, SshSignature | SshSignatureError>();
/** Parsed signatures kept at most: far above one check's files; past it, the oldest half goes. */
const PARSED_LIMIT = 200_000;

/** Parses an armored SSHSIG (`-----BEGIN SSH SIGNATURE-----`); throws SshSignatureError saying what is wrong. */
export function parseSshSignature(armored: string): SshSignature {
  let parsed = parsedSignatures.get(armored);
  if (parsed === undefined) {
    try {
      parsed = Object.freeze(parseArmored(armored));
    } catch (error) {
      if (!(error instanceof SshSignatureError)) throw error;
      parsed = error;
    }
    if (parsedSignatures.size >= PARSED_LIMIT) dropOldestHalf(parsedSignatures, PARSED_LIMIT);
    parsedSignatures.set(armored, parsed);
  }
  if (parsed instanceof SshSignatureError) throw parsed;
  return parsed;
}

function dropOldestHalf(map: Map<unknown, unknown>, limit: number): void {
  for (const old of [...map.keys()].slice(0, limit / 2)) map.delete(old);
}

function parseArmored(armored: string): SshSignature {
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
    sshString(hashBytes(hashAlgorithm, message)),
  ]);
}

/**
 * Outcomes of ed25519 verifications started ahead on libuv's thread pool
 * ({@link verifySshSignatureAhead}), by the parsed signature (frozen: its key and signature
 * never change) and then by namespace and message, which with it make the signed bytes: the
 * same inputs give the same outcome, so a check finds it here instead of verifying on the
 * main thread again. A copy of a signature is another object, verified on its own.
 */
const verifiedAhead = new WeakMap<SshSignature, Map<string, boolean>>();

function aheadKey(namespace: string, message: string): string {
  return `${namespace}\n${message}`;
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
  let outcomes = verifiedAhead.get(signature);
  if (outcomes === undefined) verifiedAhead.set(signature, (outcomes = new Map()));
  const key = aheadKey(namespace, message);
  if (outcomes.has(key)) return Promise.resolve();
  const data = signedData(namespace, signature.hashAlgorithm, Buffer.from(message, "utf8"));
  const known = outcomes;
  return new Promise((resolve) => {
    try {
      verify(null, data, signature.publicKey.key, signature.signature, (error, valid) => {
        known.set(key, !error && valid);
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
  const { key, type } = signature.publicKey;
  const algorithm = signature.signatureAlgorithm;
  if (type === "ssh-ed25519" && algorithm === "ssh-ed25519") {
    const ahead = verifiedAhead.get(signature)?.get(aheadKey(namespace, message));
    if (ahead !== undefined) return ahead;
  }
  const data = signedData(namespace, signature.hashAlgorithm, Buffer.from(message, "utf8"));
  try {
    if (type === "ssh-ed25519") {
      if (algorithm !== "ssh-ed25519") return false;
      return verify(null, data, key, signature.signature);
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
