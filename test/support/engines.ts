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
