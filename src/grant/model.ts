/**
 * A grant as declared: who, what access, on which system, why, approved by whom, until when.
 * Timestamps are RFC 3339 text here; {@link Grant} holds them normalized.
 */
export interface GrantSpec {
  readonly id: string;
  readonly principal: string;
  readonly target: string;
  readonly access: string;
  readonly startsAt?: string;
  readonly expiresAt: string;
  readonly reason: string;
  readonly ticket?: string;
  readonly requestedBy: string;
  readonly approvedBy?: readonly string[];
  readonly breakGlass?: boolean;
  /** A public verifier of the grantee's secret (PostgreSQL: SCRAM-SHA-256), never the secret. */
  readonly credential?: string;
}

/** A validated grant, with its window in UTC epoch seconds: active on [startsAt, expiresAt). */
export interface Grant {
  readonly id: string;
  readonly principal: string;
  readonly target: string;
  readonly access: string;
  /** Undefined: active from the moment it is applied. */
  readonly startsAt: number | undefined;
  readonly expiresAt: number;
  readonly reason: string;
  readonly ticket: string | undefined;
  readonly requestedBy: string;
  readonly approvedBy: readonly string[];
  readonly breakGlass: boolean;
  readonly credential: string | undefined;
}
