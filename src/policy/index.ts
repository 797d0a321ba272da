/** Loading and evaluating the compiled policy bundle. */
export { policiesDir, shippedBundlePath, VERDICTS_ENTRYPOINT } from "./bundle-location.js";
export { buildPolicyBundle, type BuildBundleOptions, type BuiltBundle } from "./build-bundle.js";
export {
  CONFIG_SCHEMA,
  DEFAULT_CONFIG,
  parseConfig,
  resolveConfig,
  type CheckConfig,
  type ConfigFile,
  type PolicyConfig,
} from "./config.js";
export { loadPolicyEngine, type PolicyEngine } from "./evaluate.js";
export { requiredHostBuiltins, SDK_BUILTINS } from "./host-builtins.js";
export type { Verdict, Verdicts } from "./verdict.js";
export { ruleCatalog, type RuleEntry } from "./rule-catalog.js";
