/**
 * tempgrant as a library: declare grants (constructs), read and check them (grant model),
 * the targets as plain data without cdktf (targets), drive tofu/terraform (runner). The CLI
 * is `tempgrant`.
 */
export * from "./constructs/index.js";
export * from "./grant/index.js";
export * as runner from "./runner/index.js";
export * as targets from "./targets/index.js";
export { scramVerifier } from "./targets/postgresql/scram-verifier.js";
export { formatPostgresTimestamp } from "./targets/postgresql/timestamp.js";
export { TempgrantError } from "./errors.js";
