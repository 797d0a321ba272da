/** Reading plan JSON: the only code that touches raw plan documents. */
export { nativeExpiryOf } from "./native-expiry.js";
export type { PlanJson, ResourceChangeJson } from "./plan-json.js";
export {
  accessKey,
  foldName,
  indexPlan,
  summarize,
  type IndexedRecord,
  type PlanIndex,
  type RecordChange,
} from "./plan-index.js";
export {
  toPolicyInput,
  type ChangeAction,
  type GrantChange,
  type GrantView,
  type PolicyInput,
  type PolicyInputOptions,
  type ResourceView,
} from "./policy-input.js";
export { DEFAULT_PRIVILEGED_TYPES, typeMatcher } from "./privileged-types.js";
export {
  badPlan,
  checkPlanShape,
  DEFAULT_MAX_PLAN_BYTES,
  parsePlanText,
  readPlanFile,
  readPlanFileWithHelper,
  type PlanFileContents,
  type ReadPlanOptions,
} from "./read-plan.js";
export { grantedScope, type GrantedScope } from "./scope.js";
