import { findAllOnPath } from "../../src/toolchain/find-on-path.js";
import type { EngineKind } from "../../src/runner/index.js";

/**
 * The engines to run real-binary tests with: tofu (pinned, always) and terraform when the
 * machine has it. Users may pick either, so both are exercised where possible.
 */
export const ENGINES: readonly { kind: EngineKind; available: boolean }[] = [
  { kind: "tofu", available: true },
  { kind: "terraform", available: findAllOnPath("terraform").length > 0 },
];

/**
 * Skips the running test when its engine is not on this machine, saying why (the skip's
 * note and a console line), so a skipped test never leaves the reader guessing.
 */
export function skipWithoutEngine(kind: EngineKind, context: { skip: (note?: string) => void }): void {
  if (ENGINES.find((engine) => engine.kind === kind)?.available) return;
  const reason = `${kind} is not on PATH: this test runs only where ${kind} is installed (tofu runs the others)`;
  console.log(`[engines] skipped: ${reason}`);
  context.skip(reason);
}
