/** cdktf constructs, which work in cdktn stacks too: the only room that imports cdktf (or cdktn). */
export { type CdkLibraryName } from "./cdk-library.js";
export { CONTEXT, configureFromEnvironment, grantClock, setGrantClock } from "./grant-clock.js";
export { LOCAL_STATE_DIR, localStateBackend, type LocalStateOptions } from "./local-state.js";
export { objectName, resourceName } from "./naming.js";
export { RawProvider, type RawProviderProps } from "./raw-provider.js";
export { RawResource, type RawResourceProps } from "./raw-resource.js";
export { TemporaryGrant, type TemporaryGrantProps } from "./temporary-grant.js";
export { grantFilesIn, YamlGrants, type YamlGrantsProps } from "./yaml-grants.js";
export { AwsIamTarget, type AwsAccessLevel, type AwsIamTargetProps } from "./targets/aws-iam.js";
export { CustomTarget, type CustomResourceSpec, type CustomTargetProps } from "./targets/custom.js";
export { GcpIamTarget, type GcpIamTargetProps } from "./targets/gcp-iam.js";
export {
  KubernetesTarget,
  type KubernetesRoleRef,
  type KubernetesTargetProps,
} from "./targets/kubernetes.js";
export {
  POSTGRESQL_ACCESS_TYPES,
  PostgresqlTarget,
  type PostgresqlTargetProps,
} from "./targets/postgresql.js";
export { aliasedTempgrantProvider, TEMPGRANT_PROVIDER, tempgrantProvider } from "./tempgrant-provider.js";
export { expression, TerraformExpression } from "./template-text.js";
export type { TargetBinding } from "./targets/target-binding.js";
export { synthesize, type SynthesizeOptions } from "./synth.js";
