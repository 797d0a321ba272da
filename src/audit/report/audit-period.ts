import { formatDuration } from "../../grant/duration.js";
import { overlaps, type AccessWindow } from "../access-windows.js";

/** What an audit report covers and what it counts as late. */
export interface AuditPeriod {
  /** Epoch seconds, inclusive. */
  readonly from: number;
  /** Epoch seconds, exclusive; also "now" for windows still open. */
  readonly to: number;
  /** A revocation this long after expiry, or longer, is late (seconds). */
  readonly lateAfterSeconds: number;
  /**
   * The run's clock (epoch seconds). A period that ends after it is not over: a grant still
   * open is judged at this instant, not at `to`, which it may not have reached yet.
   */
  readonly now?: number;
}

/** The figures an auditor reads first. */
export interface AuditSummary {
  readonly grants: number;
  readonly principals: number;
  readonly breakGlass: number;
  readonly open: number;
  readonly removedEarly: number;
  readonly unverified: number;
  /** Grants revoked at least the threshold after their expiry. */
  readonly lateRevocations: number;
  /** Grants still in place at the period's end at least the threshold after their expiry: not revoked yet. */
  readonly overdue: number;
  /** Granted durations (expiry minus start), in seconds; null with no grants. */
  readonly medianDurationSeconds: number | null;
  readonly maxDurationSeconds: number | null;
  /** Revocation lag (revocation minus expiry) over expired grants, in seconds. */
  readonly medianRevocationLagSeconds: number | null;
  readonly maxRevocationLagSeconds: number | null;
}

/** The windows of a period, and its summary: what every report format renders. */
export interface AuditReport {
  readonly period: AuditPeriod;
  readonly windows: readonly AccessWindow[];
  readonly summary: AuditSummary;
}

/**
 * A late revocation: the grant was revoked at least the period's threshold after its expiry.
 * A grant not revoked at all is not a revocation; see {@link isOverdue}.
 */
export function isLate(window: AccessWindow, period: AuditPeriod): boolean {
  return window.revocationLagSeconds !== null && window.revocationLagSeconds >= period.lateAfterSeconds;
}

/** A grant still in place at the period's end (or now, if sooner), at least the threshold after its expiry. */
export function isOverdue(window: AccessWindow, period: AuditPeriod): boolean {
  const judgedAt = Math.min(period.to, period.now ?? period.to);
  return window.endedAt === null && judgedAt - window.expiresAt >= period.lateAfterSeconds;
}

/** Selects the windows that overlap the period and sums them up. */
export function auditReport(windows: readonly AccessWindow[], period: AuditPeriod): AuditReport {
  const selected = windows.filter((window) => overlaps(window, period.from, period.to));
  const durations = selected.map((window) => window.expiresAt - window.from);
  const lags = selected.flatMap((window) =>
    window.revocationLagSeconds === null ? [] : [window.revocationLagSeconds],
  );
  return {
    period,
    windows: selected,
    summary: {
      grants: selected.length,
      principals: new Set(selected.map((window) => window.principal)).size,
      breakGlass: selected.filter((window) => window.breakGlass).length,
      open: selected.filter((window) => window.ending === "open").length,
      removedEarly: selected.filter((window) => window.ending === "removed-early").length,
      unverified: selected.filter((window) => window.ending === "expired-unverified").length,
      lateRevocations: selected.filter((window) => isLate(window, period)).length,
      overdue: selected.filter((window) => isOverdue(window, period)).length,
      medianDurationSeconds: median(durations),
      maxDurationSeconds: durations.length > 0 ? Math.max(...durations) : null,
      medianRevocationLagSeconds: median(lags),
      maxRevocationLagSeconds: lags.length > 0 ? Math.max(...lags) : null,
    },
  };
}

/** The median; of an even count, the mean of the middle two (rounded down to a second). */
function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.floor((sorted[middle - 1]! + sorted[middle]!) / 2);
}

/** A duration for people (`2h5m`, `45s`), the way listings write it; "n/a" for none. */
export function humanDuration(seconds: number | null): string {
  return seconds === null ? "n/a" : formatDuration(Math.max(0, Math.round(seconds)));
}
