// A helper thread that reads a folder of signed approvals while the main thread reads the
// plan (signature-folder.ts). Its answer is the folder's files, or why it could not read them.
import { parentPort, workerData } from "node:worker_threads";
import type { SignatureEvidence } from "./signature-evidence.js";
import { readSignatureFolder } from "./signature-folder.js";

/** The files by grant id, or what went wrong (the main thread then reads the folder itself, and says it). */
export type SignatureFolderResponse =
  { readonly found: Map<string, SignatureEvidence[]> } | { readonly error: string };

let response: SignatureFolderResponse;
try {
  response = { found: readSignatureFolder((workerData as { folder: string }).folder, true) };
} catch (error) {
  response = { error: (error as Error).message };
}
parentPort!.postMessage(response);
