import type { RevokedGrant, TargetCheck, TargetCheckResult } from "../targets/target-check.js";

/** The second half of a target check: run once the revocation was applied. */
export type AfterApplyCheck = () => Promise<TargetCheckResult[]>;

/**
 * The check inside the targets around a revocation's apply, the same on every path that
 * applies one (the full sweep, the fast path): prepared before the apply (PostgreSQL reads the
 * roles' oids while they exist), run after it. A check that cannot run never holds the
 * revocation back and never throws: it becomes a failed check, which fails the verification
 * (exit 1) after the access is revoked.
 */
export async function prepareTargetCheck(
  check: TargetCheck,
  revoked: readonly RevokedGrant[],
): Promise<AfterApplyCheck> {
  try {
    const after = await check.beforeApply(revoked);
    return () => after().catch((error: unknown) => failedCheck(error, "after"));
  } catch (error) {
    const failed = failedCheck(error, "before");
    return async () => failed;
  }
}

/** Runs the prepared check and says what each target found, one progress line per result. */
export async function runTargetCheck(
  stack: string,
  after: AfterApplyCheck,
  progress: (line: string) => void,
): Promise<TargetCheckResult[]> {
  const results = await after();
  for (const check of results) {
    progress(
      `${stack}: ${check.ok ? "verified" : "NOT REVOKED"} in ${check.method}: ${check.grant}: ${check.detail}`,
    );
  }
  return results;
}

function failedCheck(error: unknown, when: "before" | "after"): TargetCheckResult[] {
  const message = error instanceof Error ? error.message : String(error);
  return [
    {
      grant: "*",
      method: "target",
      ok: false,
      detail: `the check in the target failed ${when} the apply: ${message}`,
    },
  ];
}
