/**
 * tempgrant as a library: declare grants (constructs), read and check them (grant model),
 * drive tofu/terraform (runner). The CLI is `tempgrant`.
 */
export * from "./constructs/index.js";
export * from "./grant/index.js";
export * as runner from "./runner/index.js";
export { TempgrantError } from "./errors.js";
