import type { App } from "cdktf";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cdkLibrary, type CdkLibraryName } from "./cdk-library.js";
import { CONTEXT, setGrantClock } from "./grant-clock.js";

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** Where cdktf writes (`<outdir>/stacks/<stack>/cdk.tf.json`). */
  readonly outdir: string;
  /** The run's clock, UTC epoch seconds. */
  readonly now: number;
  /** Early-revocation margin in seconds. */
  readonly revocationMarginSeconds?: number;
  /** `skip` leaves invalid grants out (the sweep revokes them) instead of failing synth. */
  readonly invalidGrants?: "fail" | "skip";
  /** The library of the app and its stacks: `cdktf` (default) or `cdktn` (installed by the project). */
  readonly library?: CdkLibraryName;
  /** Declares the stacks on the app (with the TerraformStack of {@link library}). */
  readonly declare: (app: App) => void;
}

/**
 * Synthesizes an app at one instant and returns the working directory of each stack.
 * The library entry point for tests, the demo and the CLI: no cdktf-cli needed.
 */
export function synthesize(options: SynthesizeOptions): Record<string, string> {
  const app = new (cdkLibrary(options.library ?? "cdktf").App)({ outdir: options.outdir });
  setGrantClock(app, { now: options.now }, options.revocationMarginSeconds ?? 0);
  if (options.invalidGrants) app.node.setContext(CONTEXT.invalidGrants, options.invalidGrants);
  options.declare(app);
  app.synth();
  const stacksDir = join(options.outdir, "stacks");
  const stacks: Record<string, string> = {};
  if (existsSync(stacksDir)) {
    for (const name of readdirSync(stacksDir)) stacks[name] = join(stacksDir, name);
  }
  return stacks;
}
