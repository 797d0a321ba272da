import type { AllowedSigners } from "../approval/allowed-signers.js";
import { recordDigest } from "../approval/record-digest.js";
import { checkSignature } from "../approval/signature-evidence.js";
import { isGrantRecord } from "../grant/record.js";
import { epochSecondsOrNull } from "../grant/time.js";
import type { LedgerEntry } from "./ledger/entry.js";

/** One applied grant's approvals, checked again from the ledger. */
export interface ApprovalAudit {
  readonly seq: number;
  readonly stack: string;
  readonly grant: string;
  readonly digest: string;
  readonly breakGlass: boolean;
  /** Signatures that verify again over the recorded digest, by person. */
  readonly verified: readonly string[];
  /** Reviews recorded: only GitHub can confirm them, so they are listed, not verified. */
  readonly reviews: readonly {
    readonly person: string;
    readonly reviewId: number;
    readonly commit: string;
  }[];
  /** What does not hold: a signature that no longer verifies, a digest that does not match its record. */
  readonly problems: readonly string[];
  /**
   * Whether the recorded digest was derived again from the recorded record. False when it
   * differs, which is expected for grants whose digest covers a credential (the ledger does
   * not hold credentials); the hash chain protects the record either way.
   */
  readonly contentMatches: boolean;
}

/**
 * Re-verifies every approval the ledger recorded, from the ledger and an allowed-signers file
 * alone: each signature of each applied grant must verify over the grant's recorded digest,
 * by a key the file lists for that person, valid at the apply's clock, in tempgrant's namespace.
 */
export function auditApprovals(
  entries: readonly LedgerEntry[],
  signers: AllowedSigners,
  aliases: Readonly<Record<string, string>> = {},
): ApprovalAudit[] {
  const audits: ApprovalAudit[] = [];
  for (const { seq, event } of entries) {
    if (event.type !== "apply") continue;
    const at = epochSecondsOrNull(event.now);
    for (const grant of event.grants) {
      if (grant.action === "delete" || typeof grant.digest !== "string" || !isGrantRecord(grant.record))
        continue;
      const verified: string[] = [];
      const reviews: { person: string; reviewId: number; commit: string }[] = [];
      const problems: string[] = [];
      for (const evidence of grant.approvals ?? []) {
        if (evidence.kind === "review") {
          reviews.push({ person: evidence.person, reviewId: evidence.reviewId, commit: evidence.commit });
          continue;
        }
        const outcome = checkSignature(
          {
            kind: "signature",
            claimedBy: evidence.person,
            signature: evidence.signature,
            source: evidence.source,
          },
          grant.digest,
          signers,
          at ?? 0,
          aliases,
        );
        if (outcome.ok) verified.push(outcome.person);
        else problems.push(`${evidence.person}: ${outcome.reason}`);
      }
      const contentMatches = recordDigest(grant.record, null) === grant.digest;
      audits.push({
        seq,
        stack: event.stack,
        grant: grant.record.id,
        digest: grant.digest,
        breakGlass: grant.record.breakGlass,
        verified,
        reviews,
        problems,
        contentMatches,
      });
    }
  }
  return audits;
}
