import { foldName } from "../grant/identity.js";
import { formatTimestamp } from "../grant/time.js";
import type { AllowedSigners } from "./allowed-signers.js";
import { APPROVAL_NAMESPACE, parseSshSignature, SshSignatureError, sshSignatureVerifies } from "./sshsig.js";

/** One signature file: `approvals/<grant-id>/<person>.sig`, the person being who it claims to be from. */
export interface SignatureEvidence {
  readonly kind: "signature";
  /** The person the file is named after. */
  readonly claimedBy: string;
  /** The armored SSHSIG text. */
  readonly signature: string;
  /** Where it was read, for messages. */
  readonly source: string;
}

/** The outcome of checking one piece of evidence over one digest. */
export type EvidenceOutcome =
  | { readonly ok: true; readonly person: string }
  | { readonly ok: false; readonly person: string; readonly reason: string };

/**
 * Checks a signature over a grant digest, at an instant: the signature must parse, be made
 * in tempgrant's namespace, by a key the allowed-signers file lists for the person the file
 * is named after (and for no other person), valid at `at` and allowed in that namespace, and
 * verify over `digest`.
 * The reason names the first check that failed.
 */
export function checkSignature(
  evidence: SignatureEvidence,
  digest: string | null,
  signers: AllowedSigners | undefined,
  at: number,
  aliases: Readonly<Record<string, string>>,
): EvidenceOutcome {
  const claimed = evidence.claimedBy;
  const fail = (reason: string): EvidenceOutcome => ({ ok: false, person: claimed, reason });
  if (!signers)
    return fail("no allowed-signers file is configured (approvals.allowedSigners in tempgrant.yaml)");
  if (digest === null)
    return fail("the planned record's digest cannot be computed (its fields are unreadable)");
  let signature;
  try {
    signature = parseSshSignature(evidence.signature);
  } catch (error) {
    if (error instanceof SshSignatureError) return fail(`${evidence.source}: ${error.message}`);
    throw error;
  }
  const fingerprint = signature.publicKey.fingerprint;
  if (signature.namespace !== APPROVAL_NAMESPACE)
    return fail(`signed in namespace "${signature.namespace}", not "${APPROVAL_NAMESPACE}"`);
  const lines = signers.linesOf(signature.publicKey);
  if (lines.length === 0) return fail(`key ${fingerprint} is not in ${signers.source}`);
  // One key, one person: a key listed for two people cannot tell which of them signed, so one
  // of them could approve as the other (or as the requester's approver). Fail closed.
  const persons = [...new Set(lines.flatMap((line) => line.principals.map((p) => foldName(p, aliases))))];
  if (persons.length > 1)
    return fail(
      `key ${fingerprint} is listed for more than one person (${persons.join(", ")}) in ${signers.source}: ` +
        "its signatures cannot tell them apart; give each approver a key of their own, or map " +
        "one person's other names to them with approvals.aliases",
    );
  const wanted = foldName(claimed, aliases);
  const mine = lines.filter((line) => line.principals.some((p) => foldName(p, aliases) === wanted));
  if (mine.length === 0) {
    const listed = [...new Set(lines.flatMap((line) => line.principals))].join(", ");
    return fail(`key ${fingerprint} is listed for ${listed}, not for ${claimed}`);
  }
  const inNamespace = mine.filter((line) => !line.namespaces || line.namespaces.includes(APPROVAL_NAMESPACE));
  if (inNamespace.length === 0)
    return fail(`key ${fingerprint} may not sign in namespace "${APPROVAL_NAMESPACE}" (${mine[0]!.source})`);
  const valid = inNamespace.filter(
    (line) =>
      (line.validAfter === undefined || at >= line.validAfter) &&
      (line.validBefore === undefined || at < line.validBefore),
  );
  if (valid.length === 0) {
    const line = inNamespace[0]!;
    const window = [
      line.validAfter !== undefined ? `from ${formatTimestamp(line.validAfter)}` : "",
      line.validBefore !== undefined ? `until ${formatTimestamp(line.validBefore)}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    return fail(`key ${fingerprint} is valid only ${window}, not at ${formatTimestamp(at)} (${line.source})`);
  }
  if (!sshSignatureVerifies(signature, digest, APPROVAL_NAMESPACE))
    return fail(
      `the signature does not verify over the grant's current digest ${digest}: ` +
        "the grant changed after it was signed, or the signature was made for other content",
    );
  const line = valid[0]!;
  return { ok: true, person: line.principals.find((p) => foldName(p, aliases) === wanted)! };
}
