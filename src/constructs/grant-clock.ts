import type { Construct } from "constructs";
import { parseDuration, resolveClock, type Clock } from "../grant/index.js";
import { TempgrantError } from "../errors.js";
import { reportSynthFailures } from "./synth-report.js";

/** Context keys the constructs read. Set them on the App before declaring grants. */
export const CONTEXT = {
  /** The run's clock, UTC epoch seconds. */
  now: "tempgrant:now",
  /** Early-revocation margin in seconds: grants stop synthesizing this long before expiry. */
  revocationMargin: "tempgrant:revocationMarginSeconds",
  /** `fail` (default): an invalid grant fails synth. `skip`: it synthesizes nothing (the sweep revokes it). */
  invalidGrants: "tempgrant:invalidGrants",
} as const;

/** Sets the run's clock (and margin) on a scope, normally the App. */
export function setGrantClock(
  scope: Construct,
  clock: Pick<Clock, "now">,
  revocationMarginSeconds = 0,
): void {
  scope.node.setContext(CONTEXT.now, clock.now);
  scope.node.setContext(CONTEXT.revocationMargin, revocationMarginSeconds);
}

/**
 * The clock a grant synthesizes against. There is no default: a grant synthesized without
 * a clock could not know whether it is active, so synthesis fails closed.
 */
export function grantClock(scope: Construct): { now: number; margin: number } {
  const now: unknown = scope.node.tryGetContext(CONTEXT.now);
  const margin: unknown = scope.node.tryGetContext(CONTEXT.revocationMargin) ?? 0;
  if (typeof now !== "number" || !Number.isSafeInteger(now)) {
    throw new TempgrantError(
      "NO_CLOCK",
      `${scope.node.path}: no synth clock: call setGrantClock(app, resolveClock(...)) or use TempgrantApp`,
    );
  }
  if (typeof margin !== "number" || margin < 0) {
    throw new TempgrantError("USAGE", `${CONTEXT.revocationMargin} must be a number of seconds >= 0`);
  }
  return { now, margin };
}

/**
 * Configures an app the way `tempgrant plan` and `sweep` run it: the clock from
 * TEMPGRANT_NOW (else the system clock, read once), the margin from
 * TEMPGRANT_REVOCATION_MARGIN, and TEMPGRANT_INVALID_GRANTS=skip for sweeps. When the CLI
 * runs the app, a failure is also written where the CLI reads it (see synth-report.ts).
 */
export function configureFromEnvironment(app: Construct, env: NodeJS.ProcessEnv = process.env): void {
  reportSynthFailures(env);
  const margin = env.TEMPGRANT_REVOCATION_MARGIN ? parseDuration(env.TEMPGRANT_REVOCATION_MARGIN) : 0;
  if (margin === undefined) {
    throw new TempgrantError(
      "USAGE",
      `TEMPGRANT_REVOCATION_MARGIN "${env.TEMPGRANT_REVOCATION_MARGIN}" is not a duration`,
    );
  }
  setGrantClock(app, resolveClock(undefined, env), margin);
  if (env.TEMPGRANT_INVALID_GRANTS === "skip") app.node.setContext(CONTEXT.invalidGrants, "skip");
}
