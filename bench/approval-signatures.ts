// Approval signatures for benchmark plans, made in-process (node:crypto) in the SSHSIG layout
// `ssh-keygen -Y sign` writes: thousands of ssh-keygen processes would take minutes; the
// tests prove the format with ssh-keygen itself.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sshString } from "../src/approval/ssh-wire.js";
import { APPROVAL_NAMESPACE } from "../src/approval/sshsig.js";

export interface BenchKey {
  readonly person: string;
  readonly privateKey: KeyObject;
  readonly blob: Buffer;
}

/** A fresh ed25519 key for `person`. */
export function benchKey(person: string): BenchKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from((publicKey.export({ format: "jwk" }) as { x: string }).x, "base64url");
  return { person, privateKey, blob: Buffer.concat([sshString("ssh-ed25519"), sshString(raw)]) };
}

/** An armored SSHSIG over `message`, laid out as `ssh-keygen -Y sign` writes it. */
export function sshsig(key: BenchKey, message: string): string {
  const magic = Buffer.from("SSHSIG");
  const hash = createHash("sha512").update(message).digest();
  const signed = Buffer.concat([
    magic,
    sshString(APPROVAL_NAMESPACE),
    sshString(""),
    sshString("sha512"),
    sshString(hash),
  ]);
  const signature = Buffer.concat([sshString("ssh-ed25519"), sshString(sign(null, signed, key.privateKey))]);
  const version = Buffer.alloc(4);
  version.writeUInt32BE(1);
  const blob = Buffer.concat([
    magic,
    version,
    sshString(key.blob),
    sshString(APPROVAL_NAMESPACE),
    sshString(""),
    sshString("sha512"),
    sshString(signature),
  ]);
  const lines = blob.toString("base64").match(/.{1,70}/g) ?? [];
  return `-----BEGIN SSH SIGNATURE-----\n${lines.join("\n")}\n-----END SSH SIGNATURE-----\n`;
}

/** Files `key`'s signature of `digest` for grant `grantId` where `tempgrant approve` files it. */
export function fileSignature(signatures: string, grantId: string, key: BenchKey, digest: string): void {
  mkdirSync(join(signatures, grantId), { recursive: true });
  writeFileSync(join(signatures, grantId, `${key.person}.sig`), sshsig(key, digest));
}

/** The allowed-signers file that lists `keys`, one person each. */
export function allowedSigners(keys: readonly BenchKey[]): string {
  return keys.map((key) => `${key.person} ssh-ed25519 ${key.blob.toString("base64")}`).join("\n") + "\n";
}
