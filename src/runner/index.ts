/** Driving the tofu/terraform CLI: one file per subcommand, pure argv builders. */
export { apply, applyArgs, STATE_NOT_SAVED, stateNotSaved } from "./apply.js";
export { resolveEngine, type Engine, type EngineChoice, type EngineKind } from "./engine.js";
export { init, initArgs, type InitOptions } from "./init.js";
export { currentInitStamp } from "./init-stamp.js";
export { plan, planArgs, type PlanOptions, type PlanResult } from "./plan.js";
export { showArgs, showJson } from "./show.js";
export { DEFAULT_LOCK_TIMEOUT, engineEnvironment, type Workspace } from "./workspace.js";
export { stateIdentity, statePullArgs, type StateIdentity } from "./state-pull.js";
export { isStalePlan, isTransientFailure, withRetries, type RetryOptions } from "./transient.js";
