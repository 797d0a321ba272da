import { foldName } from "../grant/identity.js";
import type { ApprovalCheck, ApprovalResult, EvidenceProblem } from "../plan/policy-input.js";
import type { AllowedSigners } from "./allowed-signers.js";
import { checkReviews, type PullRequestReviews, type ReviewEvidence } from "./pull-request-reviews.js";
import { checkSignature, type EvidenceOutcome, type SignatureEvidence } from "./signature-evidence.js";
import { APPROVAL_NAMESPACE, parseSshSignature, verifySshSignatureAhead } from "./sshsig.js";

/** A piece of evidence that verified, as the ledger records it. */
export type VerifiedEvidence =
  | {
      readonly kind: "signature";
      readonly person: string;
      readonly signature: string;
      readonly source: string;
    }
  | (ReviewEvidence & { readonly person: string });

/** What a check has as evidence: signature files by grant id, the allowed signers, reviews. */
export interface EvidenceSources {
  /** Signatures by grant id (`approvals/<grant-id>/<person>.sig`). */
  readonly signatures: ReadonlyMap<string, readonly SignatureEvidence[]>;
  /** Undefined when tempgrant.yaml names no allowed-signers file: every signature then fails. */
  readonly signers?: AllowedSigners;
  readonly reviews?: PullRequestReviews;
  /** approvals.githubAccounts: numeric GitHub id -> person. */
  readonly githubAccounts: Readonly<Record<string, string>>;
  /** The instant keys must be valid at (the check's clock). */
  readonly now: number;
  readonly aliases: Readonly<Record<string, string>>;
}

/**
 * The approval evidence of one check, asked grant by grant: who verifiably approved a planned
 * record's digest, and why each other person does not count. Results are kept per grant and
 * digest, so that `apply` records in the ledger exactly the evidence the check counted.
 */
export class EvidenceSet implements ApprovalCheck {
  readonly people: readonly string[];
  private readonly reviewResults: ReturnType<typeof checkReviews>;
  private readonly verified = new Map<string, VerifiedEvidence[]>();

  constructor(private readonly sources: EvidenceSources) {
    this.reviewResults = sources.reviews ? checkReviews(sources.reviews, sources.githubAccounts) : [];
    this.people = [
      ...new Set([
        ...(sources.signers?.signers.flatMap((signer) => signer.principals) ?? []),
        ...Object.values(sources.githubAccounts),
      ]),
    ];
  }

  verifyAhead(grantId: string, digest: string | null): void {
    if (digest === null || !this.sources.signers) return;
    for (const evidence of this.sources.signatures.get(grantId) ?? []) {
      let signature;
      try {
        signature = parseSshSignature(evidence.signature);
      } catch {
        continue; // check() says why
      }
      verifySshSignatureAhead(signature, digest, APPROVAL_NAMESPACE);
    }
  }

  check(grantId: string, digest: string | null, requested: readonly unknown[]): ApprovalResult {
    const { aliases } = this.sources;
    const fold = (name: unknown) => foldName(name, aliases);
    const approvers = new Map<string, string>();
    const verified: VerifiedEvidence[] = [];
    const problems: EvidenceProblem[] = [];
    const failedFor = new Set<string>();
    const fail = (outcome: EvidenceOutcome & { ok: false }) => {
      problems.push({ person: outcome.person, reason: outcome.reason });
      failedFor.add(fold(outcome.person));
    };
    for (const evidence of this.sources.signatures.get(grantId) ?? []) {
      const outcome = checkSignature(evidence, digest, this.sources.signers, this.sources.now, aliases);
      if (!outcome.ok) {
        // A signature filed for this grant that does not verify is always reported: it was put
        // there to count.
        fail(outcome);
        continue;
      }
      if (!approvers.has(fold(outcome.person))) approvers.set(fold(outcome.person), outcome.person);
      verified.push({
        kind: "signature",
        person: outcome.person,
        signature: evidence.signature,
        source: evidence.source,
      });
    }
    // A review approves the head commit, which holds this content: it counts for every grant.
    const asked = new Set(requested.map(fold));
    for (const { outcome, evidence } of this.reviewResults) {
      if (outcome.ok && evidence) {
        if (!approvers.has(fold(outcome.person))) approvers.set(fold(outcome.person), outcome.person);
        verified.push({ ...evidence, person: outcome.person });
      } else if (!outcome.ok && asked.has(fold(outcome.person))) {
        // Another reviewer's void review only matters when the requester counted on them.
        fail(outcome);
      }
    }
    for (const name of requested) {
      const key = fold(name);
      if (approvers.has(key) || failedFor.has(key)) continue;
      problems.push({
        person: String(name),
        reason:
          digest === null
            ? "the record's content is known only after apply, so no approval can be over it"
            : "named in approvedBy, but no signature or approving review from them verifies over the current digest",
      });
    }
    if (digest !== null) this.verified.set(`${grantId}\n${digest}`, verified);
    return { approvers: [...approvers.values()], problems };
  }

  /** The evidence that verified a grant's digest in this check (empty when none, or not checked). */
  evidenceOf(grantId: string, digest: string): readonly VerifiedEvidence[] {
    return this.verified.get(`${grantId}\n${digest}`) ?? [];
  }
}
