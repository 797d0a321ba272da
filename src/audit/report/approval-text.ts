import type { AccessWindow } from "../access-windows.js";

/**
 * Who verifiably approved the content in force, each as `person (how)`: what the ledger
 * recorded at apply (a signature or a review over the window's digest). Empty for none, and
 * for events from before approvals were evidence (their digest is null).
 */
export function verifiedApprovers(window: AccessWindow): string[] {
  return window.approvals.map((approval) => `${approval.person} (${approval.kind})`);
}

/** The names a grant asked for, for windows recorded before approvals were evidence. */
export function askedNotVerified(window: AccessWindow): string {
  return window.approvedBy.length > 0 ? `${window.approvedBy.join(", ")} (asked, not verified)` : "none";
}
