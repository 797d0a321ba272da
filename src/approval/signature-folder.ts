import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { TempgrantError } from "../errors.js";
import { workerEntry } from "../exec/worker-entry.js";
import type { SignatureEvidence } from "./signature-evidence.js";
import type { SignatureFolderResponse } from "./signature-folder-worker.js";

/** Signature files larger than this are not signatures (an armored ed25519 SSHSIG is about 300 bytes). */
const MAX_SIGNATURE_BYTES = 64 * 1024;

/**
 * Whether a folder of signed approvals is there to read: a folder that does not exist holds no
 * signatures, unless it was named on the command line (then, as a file, it is refused).
 */
export function signatureFolderExists(folder: string, required: boolean): boolean {
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (!stat) {
    if (required) throw new TempgrantError("USAGE", `--signatures ${folder}: no such folder`);
    return false;
  }
  if (!stat.isDirectory())
    throw new TempgrantError("INVALID_INPUT", `${folder}: not a folder of signed approvals`);
  return true;
}

/**
 * The signature files of a folder, by grant id: `<folder>/<grant-id>/<person>.sig`. Other
 * files are left alone. A folder that does not exist holds no signatures, unless it was named
 * on the command line.
 */
export function readSignatureFolder(folder: string, required: boolean): Map<string, SignatureEvidence[]> {
  const found = new Map<string, SignatureEvidence[]>();
  if (!signatureFolderExists(folder, required)) return found;
  for (const grant of readdirSync(folder, { withFileTypes: true })) {
    if (!grant.isDirectory()) continue;
    const list: SignatureEvidence[] = [];
    for (const file of readdirSync(join(folder, grant.name), { withFileTypes: true })) {
      if (!file.isFile() || !file.name.endsWith(".sig") || file.name === ".sig") continue;
      const path = join(folder, grant.name, file.name);
      const size = statSync(path).size;
      list.push({
        kind: "signature",
        claimedBy: file.name.slice(0, -".sig".length),
        // An oversized file is kept as evidence that fails (it is named in the denial), never read whole.
        signature: size > MAX_SIGNATURE_BYTES ? "" : readFileSync(path, "utf8"),
        source: path,
      });
    }
    if (list.length > 0) found.set(grant.name, list);
  }
  return found;
}

/**
 * {@link readSignatureFolder} of a folder that exists, on a helper thread: the caller's thread
 * goes on meanwhile. Rejects when the helper fails in any way (the caller then reads it itself).
 */
export function readSignatureFolderAhead(folder: string): Promise<Map<string, SignatureEvidence[]>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry("signature-folder-worker", import.meta.url), {
      workerData: { folder },
    });
    worker.once("message", (response: SignatureFolderResponse) => {
      if ("found" in response) resolve(response.found);
      else reject(new Error(response.error));
    });
    worker.once("error", reject);
    worker.once("exit", (code) =>
      reject(new Error(`the signature folder helper stopped (exit code ${code})`)),
    );
  });
}
