import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteValue, TempgrantError } from "../errors.js";
import { runCommand } from "../exec/run-command.js";
import { APPROVAL_NAMESPACE, parseSshSignature, SshSignatureError, sshSignatureVerifies } from "./sshsig.js";

/**
 * Signs a grant digest the way git signs commits with SSH keys: `ssh-keygen -Y sign -f KEY
 * -n tempgrant-grant`, the digest on standard input, the armored signature on standard
 * output. KEY is a private key file, or a public key (a file, or git's `key::ssh-...` form)
 * whose private half is in ssh-agent. The signature is checked in-process before it is returned.
 */
export async function signDigest(digest: string, key: string): Promise<string> {
  let scratch: string | undefined;
  let keyFile = key;
  if (key.startsWith("key::")) {
    // git's literal form: ssh-keygen signs with the agent given the public key in a file.
    scratch = mkdtempSync(join(tmpdir(), "tempgrant-sign-"));
    keyFile = join(scratch, "signing-key.pub");
    writeFileSync(keyFile, `${key.slice("key::".length)}\n`, { mode: 0o600 });
  }
  try {
    const result = await runCommand({
      program: "ssh-keygen",
      args: ["-Y", "sign", "-f", keyFile, "-n", APPROVAL_NAMESPACE],
      input: digest,
      timeoutMs: 120_000,
    });
    if (result.exitCode !== 0) {
      throw new TempgrantError(
        "COMMAND_FAILED",
        `ssh-keygen -Y sign -f ${keyFile} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}`,
      );
    }
    const armored = result.stdout.trim();
    let verifies: boolean;
    try {
      verifies = sshSignatureVerifies(parseSshSignature(armored), digest, APPROVAL_NAMESPACE);
    } catch (error) {
      if (!(error instanceof SshSignatureError)) throw error;
      throw new TempgrantError(
        "COMMAND_FAILED",
        `ssh-keygen wrote a signature tempgrant cannot read: ${error.message}`,
      );
    }
    if (!verifies)
      throw new TempgrantError("COMMAND_FAILED", "ssh-keygen wrote a signature that does not verify");
    return `${armored}\n`;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The public key text (`ssh-ed25519 AAAA...`) of a signing key: the key itself when it is a
 * public key, else KEY.pub beside a private key; undefined when neither is there.
 */
export function publicKeyOf(key: string): string | undefined {
  if (key.startsWith("key::")) return key.slice("key::".length).trim();
  for (const path of [key, `${key}.pub`]) {
    try {
      const text = readFileSync(path, "utf8").trim();
      if (/^(ssh-|ecdsa-|sk-)/.test(text)) return text;
    } catch {
      // Not there or not readable: try the next place.
    }
  }
  return undefined;
}

/** The signing key: the flag, TEMPGRANT_SIGNING_KEY, else git's user.signingkey; as git reads it. */
export async function signingKey(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (flag) return flag;
  if (env.TEMPGRANT_SIGNING_KEY) return env.TEMPGRANT_SIGNING_KEY;
  const git = await runCommand({
    program: "git",
    args: ["config", "--get", "user.signingkey"],
    timeoutMs: 30_000,
  }).catch(() => undefined);
  const configured = git?.exitCode === 0 ? git.stdout.trim() : "";
  if (configured) return configured;
  throw new TempgrantError(
    "USAGE",
    "no signing key: pass --key, set TEMPGRANT_SIGNING_KEY, or set git's user.signingkey (as for signed commits)",
  );
}

/** A person's name as a signature file name (`<person>.sig`): one path segment, nothing hidden. */
export function signatureFileName(person: string): string {
  if (person === "" || /[/\\\0]/.test(person) || person.startsWith(".") || person.trim() !== person) {
    throw new TempgrantError(
      "USAGE",
      `${quoteValue(person)} cannot name a signature file: use the person's name as allowed_signers lists it`,
    );
  }
  return `${person}.sig`;
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop() ?? "";
}
