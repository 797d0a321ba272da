import { withoutInstanceKeys } from "../grant/instance-keys.js";
import type { PlanJson, ResourceChangeJson } from "./plan-json.js";

/** A resource block of the plan's configuration section, with what tempgrant reads of it. */
export interface ConfigResource {
  /** Relative to its module: `aws_iam_policy.x`, `data.external.y`. */
  readonly address?: string;
  readonly mode?: string;
  readonly type?: string;
  readonly expressions?: Record<
    string,
    { readonly references?: unknown; readonly constant_value?: unknown } | undefined
  >;
  /** The block's provisioners (`local-exec`, `remote-exec`, `file`), in order. */
  readonly provisioners?: readonly { readonly type?: unknown }[];
}

export interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Record<string, { readonly module?: ConfigModule } | undefined>;
}

/**
 * Visits every resource block of the plan's configuration, in the root module and every module
 * call, with the module's path without instance keys (`""`, `module.a`, `module.a.module.b`):
 * a block is written once, whatever its module's `count` or `for_each`.
 */
export function forEachConfiguredResource(
  plan: PlanJson,
  visit: (resource: ConfigResource, modulePath: string) => void,
): void {
  const walk = (module: ConfigModule | undefined, path: string) => {
    for (const resource of Array.isArray(module?.resources) ? module.resources : [])
      if (typeof resource === "object" && resource !== null) visit(resource, path);
    for (const [name, call] of Object.entries(module?.module_calls ?? {}))
      walk(call?.module, path === "" ? `module.${name}` : `${path}.module.${name}`);
  };
  walk((plan as { configuration?: { root_module?: ConfigModule } }).configuration?.root_module, "");
}

/** The key of a configured block: `module path without instance keys|address in its module`. */
export function configKey(modulePath: string, address: string): string {
  return `${modulePath}|${address}`;
}

/** The key of the block a managed resource change was planned from (its instance keys dropped). */
export function configKeyOfChange(change: ResourceChangeJson): string {
  return configKey(configModuleOfChange(change), `${change.type}.${change.name ?? ""}`);
}

/** The module path of a resource change without instance keys (`""` for the root module). */
export function configModuleOfChange(change: ResourceChangeJson): string {
  return withoutInstanceKeys((change as { module_address?: string }).module_address ?? "");
}
