import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCommandOrThrow } from "../../src/exec/run-command.js";
import { ensureDebianPackage } from "./debian-package.js";
import { APPROVAL_NAMESPACE } from "../../src/approval/sshsig.js";

/** Debian's ssh-keygen: the real tool that makes the keys and signatures the tests verify. */
export const SSH_KEYGEN = "/usr/bin/ssh-keygen";

/** Installs Debian's openssh-client when ssh-keygen is missing (CI machines run as root). */
export function ensureSshKeygen(log: (line: string) => void): Promise<void> {
  return ensureDebianPackage(SSH_KEYGEN, "openssh-client", log);
}

/** A key pair made by ssh-keygen for one approver. */
export interface Signer {
  readonly person: string;
  /** The private key file. */
  readonly keyFile: string;
  /** `ssh-ed25519 AAAA...` */
  readonly publicKey: string;
}

/** Makes a key with `ssh-keygen -t TYPE` (no passphrase) in `dir`. */
export async function makeSigner(
  dir: string,
  person: string,
  type: "ed25519" | "ecdsa-256" | "ecdsa-384" | "ecdsa-521" | "rsa" = "ed25519",
): Promise<Signer> {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, `${person.replace(/[^a-z0-9]/gi, "_")}-${type}`);
  const [kind, bits] = type.split("-");
  await runCommandOrThrow({
    program: SSH_KEYGEN,
    args: [
      "-q",
      "-t",
      kind!,
      ...(bits ? ["-b", bits] : type === "rsa" ? ["-b", "3072"] : []),
      "-N",
      "",
      "-C",
      person,
      "-f",
      keyFile,
    ],
  });
  const publicKey = readFileSync(`${keyFile}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
  return { person, keyFile, publicKey };
}

/** One allowed-signers line for a signer, with OpenSSH options (`namespaces="..."`, ...). */
export function allowedSignersLine(signer: Signer, options = "", principals = signer.person): string {
  return `${principals}${options ? ` ${options}` : ""} ${signer.publicKey}`;
}

/** Signs a text with `ssh-keygen -Y sign` (the digest on standard input), as an approver would. */
export async function sshSign(signer: Signer, text: string, namespace = APPROVAL_NAMESPACE): Promise<string> {
  const result = await runCommandOrThrow({
    program: SSH_KEYGEN,
    args: ["-Y", "sign", "-f", signer.keyFile, "-n", namespace],
    input: text,
  });
  return result.stdout;
}

/** Files a signature where a project keeps them: `<folder>/<grant-id>/<person>.sig`. */
export function fileSignature(folder: string, grantId: string, person: string, signature: string): string {
  mkdirSync(join(folder, grantId), { recursive: true });
  const path = join(folder, grantId, `${person}.sig`);
  writeFileSync(path, signature);
  return path;
}
