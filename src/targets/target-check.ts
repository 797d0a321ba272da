/** A grant a sweep revokes, as the sweep outcome lists it. */
export interface RevokedGrant {
  readonly id: string;
  /** The grant record as written (its `binding` says which target). */
  readonly record: unknown;
  readonly addresses: readonly string[];
}

/** What the target itself says about one revoked grant after the apply. */
export interface TargetCheckResult {
  readonly grant: string;
  /** Which check ran, for example `postgresql`. */
  readonly method: string;
  readonly ok: boolean;
  /** What was found, for people: `role tg_x gone, 1 session ended`. */
  readonly detail: string;
}

/**
 * A check inside the target system, around the apply: `beforeApply` reads what it needs
 * while the access still exists, and returns the check to run once it should be gone.
 */
export interface TargetCheck {
  beforeApply(revoked: readonly RevokedGrant[]): Promise<() => Promise<TargetCheckResult[]>>;
}

/** The record's binding kind (`postgresql`, `aws-iam`, ...), or undefined. */
export function bindingOf(grant: RevokedGrant): string | undefined {
  const binding = (grant.record as { binding?: unknown } | null)?.binding;
  return typeof binding === "string" ? binding : undefined;
}
