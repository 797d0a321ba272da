import { Testing, TerraformStack } from "cdktf";
import { parseTimestamp } from "../grant/index.js";
import { CONTEXT, setGrantClock } from "./grant-clock.js";

/** Epoch seconds of an RFC 3339 timestamp; throws on a bad one. Test helper. */
export function epoch(text: string): number {
  const parsed = parseTimestamp(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.instant.seconds;
}

/** Synthesized Terraform JSON of one stack, as tests read it. */
export interface SynthesizedStack {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, unknown[]>;
  locals?: Record<string, unknown>;
  terraform?: { required_providers?: Record<string, { source: string; version?: string }> };
}

/**
 * Synthesizes a stack at an instant, running cdktf validations, and returns its JSON.
 * Test helper for construct unit tests.
 */
export function synthAt(
  now: string,
  declare: (stack: TerraformStack) => void,
  options: { margin?: number; invalidGrants?: "fail" | "skip" } = {},
): SynthesizedStack {
  const app = Testing.app();
  setGrantClock(app, { now: epoch(now) }, options.margin ?? 0);
  if (options.invalidGrants) app.node.setContext(CONTEXT.invalidGrants, options.invalidGrants);
  const stack = new TerraformStack(app, "test");
  declare(stack);
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}
