/** Targets as plain data: one module per kind of system, and the registry that lists them (no cdktf). */
export {
  addressOf,
  type DataBinding,
  type GrantedScope,
  type PlanReaders,
  type ResourceData,
  type TargetModule,
} from "./target-module.js";
export { TARGET_MODULES, targetChecks } from "./registry.js";
export { terraformResources } from "./terraform-text.js";
export type { RevokedGrant, TargetCheck, TargetCheckResult } from "./target-check.js";
export { AwsIamBinding, awsIamTarget, type AwsIamBindingProps } from "./aws-iam/index.js";
export { CustomBinding, customTarget, type CustomBindingProps } from "./custom/index.js";
export { GcpIamBinding, gcpIamTarget, type GcpIamBindingProps } from "./gcp-iam/index.js";
export { KubernetesBinding, kubernetesTarget, type KubernetesBindingProps } from "./kubernetes/index.js";
export {
  PostgresqlBinding,
  postgresqlTarget,
  scramVerifier,
  type PostgresqlBindingProps,
} from "./postgresql/index.js";
