import * as OpaWasm from "@open-policy-agent/opa-wasm";

/**
 * The SDK's synchronous loader. Its ESM entry names only the async `loadPolicy` (which also
 * probes for fetch's `Response`, costing Node 15 ms of loading undici); the whole CommonJS
 * module, `loadPolicySync` included, is its default export. Imported (not required) so the
 * CLI bundle holds it.
 */
export const { loadPolicySync } = (OpaWasm as unknown as { default: typeof OpaWasm }).default;

export type { LoadedPolicy } from "@open-policy-agent/opa-wasm";
