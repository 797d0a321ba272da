import { existsSync } from "node:fs";
import { join } from "node:path";
import { formatDuration } from "../grant/duration.js";
import { formatTimestamp } from "../grant/time.js";
import { compareVerdicts, type Verdict } from "../policy/verdict.js";
import { listedGrants, type ListedGrant } from "./declared-listing.js";
import type { CheckReport } from "./check-plan.js";

/**
 * The warnings (rules of declared-rules.ts) for one synthesized stack's declared grants that
 * are not active at `now`.
 */
export function inactiveGrantWarnings(declared: readonly ListedGrant[], now: number): Verdict[] {
  const warnings: Verdict[] = [];
  for (const grant of declared) {
    if (grant.status !== "expired" && grant.status !== "pending") continue;
    const until = `until ${grant.expiresAt === null ? "?" : formatTimestamp(grant.expiresAt)}`;
    const window = `window ${grant.startsAt === null ? "" : `from ${formatTimestamp(grant.startsAt)} `}${until}`;
    const expires = grant.expiresAt ?? now;
    const message =
      grant.status === "pending"
        ? `grant ${grant.id} is not planned: it starts in ${formatDuration((grant.startsAt ?? now) - now)} (${window}; ${grant.source})`
        : expires > now
          ? `grant ${grant.id} is not planned: it expires in ${formatDuration(expires - now)}, within the revocation margin (${window}; ${grant.source})`
          : `grant ${grant.id} is not planned: it expired ${formatDuration(now - expires)} ago (${window}; ${grant.source}); remove it or declare a new grant`;
    warnings.push({
      level: "warn",
      rule: grant.status === "pending" ? "declared/not-started" : "declared/expired",
      grant: grant.id,
      address: null,
      message,
    });
  }
  return warnings;
}

/**
 * A report with the warnings for the inactive grants its stack declares, read from the
 * stack's synthesized cdk.tf.json (`stackDir`); unchanged when there is none (a plan checked
 * on its own, away from its synth).
 */
export function withInactiveGrantWarnings(report: CheckReport, stackDir: string): CheckReport {
  if (!existsSync(join(stackDir, "cdk.tf.json"))) return report;
  const added = inactiveGrantWarnings(listedGrants(stackDir), report.now);
  if (added.length === 0) return report;
  const warn = [...report.verdicts.warn, ...added].sort(compareVerdicts);
  return { ...report, verdicts: { ...report.verdicts, warn } };
}
