import { readFileSync } from "node:fs";
import { TempgrantError } from "../errors.js";
import type { CheckConfig } from "../policy/config.js";
import { parseAllowedSigners } from "./allowed-signers.js";
import { EvidenceSet, type EvidenceSources } from "./evidence-set.js";
import { parsePullRequestReviews } from "./pull-request-reviews.js";
import type { SignatureEvidence } from "./signature-evidence.js";
import { readSignatureFolder, readSignatureFolderAhead, signatureFolderExists } from "./signature-folder.js";

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
  return evidenceSet(
    options,
    options.signatures
      ? readSignatureFolder(options.signatures, options.signaturesRequired ?? false)
      : new Map(),
  );
}

/**
 * As {@link loadEvidence}, with the signature files (thousands, for a large plan) read by a
 * helper thread while the caller goes on, say reading the plan. What is refused before any file
 * is read (no such folder, a bad allowed-signers file or reviews) is thrown at once, as
 * loadEvidence throws it; a helper that fails leaves the folder to be read on this thread,
 * which says why as it always does.
 */
export function loadEvidenceAhead(options: EvidenceOptions): Promise<EvidenceSet> {
  const required = options.signaturesRequired ?? false;
  const folder =
    options.signatures !== undefined && signatureFolderExists(options.signatures, required)
      ? options.signatures
      : undefined;
  const sources = otherSources(options);
  if (folder === undefined) return Promise.resolve(new EvidenceSet({ ...sources, signatures: new Map() }));
  return readSignatureFolderAhead(folder).then(
    (found) => new EvidenceSet({ ...sources, signatures: found }),
    () => new EvidenceSet({ ...sources, signatures: readSignatureFolder(folder, required) }),
  );
}

function evidenceSet(options: EvidenceOptions, signatures: Map<string, SignatureEvidence[]>): EvidenceSet {
  return new EvidenceSet({ ...otherSources(options), signatures });
}

/** Every source but the signature files: the allowed signers, the reviews, the accounts and the clock. */
function otherSources(options: EvidenceOptions): Omit<EvidenceSources, "signatures"> {
  const { config } = options;
  const signersPath = config.evidence.allowedSigners;
  return {
    ...(signersPath
      ? { signers: parseAllowedSigners(readText(signersPath, "approvals.allowedSigners"), signersPath) }
      : {}),
    ...(options.reviews
      ? { reviews: parsePullRequestReviews(readText(options.reviews, "--reviews"), options.reviews) }
      : {}),
    githubAccounts: config.evidence.githubAccounts,
    now: options.now,
    aliases: config.policy.approvals.aliases,
  };
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
