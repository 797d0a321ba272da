import { createRequire } from "node:module";
import type * as OpaWasm from "@open-policy-agent/opa-wasm";

/**
 * The SDK's synchronous loader. Its ESM entry exports only the async `loadPolicy` (which
 * also probes for fetch's `Response`, costing Node 15 ms of loading undici), so take the
 * same CommonJS module through require.
 */
export const { loadPolicySync } = createRequire(import.meta.url)(
  "@open-policy-agent/opa-wasm",
) as typeof OpaWasm;

export type { LoadedPolicy } from "@open-policy-agent/opa-wasm";
