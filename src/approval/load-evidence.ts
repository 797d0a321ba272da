import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { TempgrantError } from "../errors.js";
import type { CheckConfig } from "../policy/config.js";
import { parseAllowedSigners } from "./allowed-signers.js";
import { EvidenceSet } from "./evidence-set.js";
import { parsePullRequestReviews } from "./pull-request-reviews.js";
import type { SignatureEvidence } from "./signature-evidence.js";

/** Signature files larger than this are not signatures (an armored ed25519 SSHSIG is about 300 bytes). */
const MAX_SIGNATURE_BYTES = 64 * 1024;

/** Where one check's evidence comes from. */
export interface EvidenceOptions {
  readonly config: CheckConfig;
  /** The folder of signed approvals (`<grant-id>/<person>.sig`); none: no signatures. */
  readonly signatures?: string;
  /** Whether a missing signatures folder is an error (given by flag) or simply no signatures. */
  readonly signaturesRequired?: boolean;
  /** `--reviews FILE`: the pull request and its reviews, as docs/approvals.md describes. */
  readonly reviews?: string;
  /** The check's clock: keys must be valid then. */
  readonly now: number;
}

/** Reads the allowed signers, the signature files and the reviews a check verifies approvals with. */
export function loadEvidence(options: EvidenceOptions): EvidenceSet {
  const { config } = options;
  const signersPath = config.evidence.allowedSigners;
  return new EvidenceSet({
    signatures: options.signatures
      ? readSignatureFolder(options.signatures, options.signaturesRequired ?? false)
      : new Map(),
    ...(signersPath
      ? { signers: parseAllowedSigners(readText(signersPath, "approvals.allowedSigners"), signersPath) }
      : {}),
    ...(options.reviews
      ? { reviews: parsePullRequestReviews(readText(options.reviews, "--reviews"), options.reviews) }
      : {}),
    githubAccounts: config.evidence.githubAccounts,
    now: options.now,
    aliases: config.policy.approvals.aliases,
  });
}

/**
 * The signature files of a folder, by grant id: `<folder>/<grant-id>/<person>.sig`. Other
 * files are left alone. A folder that does not exist holds no signatures, unless it was named
 * on the command line.
 */
export function readSignatureFolder(folder: string, required: boolean): Map<string, SignatureEvidence[]> {
  const found = new Map<string, SignatureEvidence[]>();
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (!stat) {
    if (required) throw new TempgrantError("USAGE", `--signatures ${folder}: no such folder`);
    return found;
  }
  if (!stat.isDirectory())
    throw new TempgrantError("INVALID_INPUT", `${folder}: not a folder of signed approvals`);
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

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TempgrantError(
      "INVALID_INPUT",
      `${what} ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
}
