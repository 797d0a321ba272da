import { badInput } from "./bad-input.js";
import { isObject } from "./json-object.js";
import type { SnapshotResource } from "./snapshot.js";

/**
 * Reads the managed resources of a module tree as `show -json` prints it: `values.root_module`
 * of a state, and `prior_state.values.root_module` or `planned_values.root_module` of a plan.
 * `where` is the tree's path in the file, so a malformed entry is named exactly.
 */
export function moduleResources(module: unknown, source: string, where: string): SnapshotResource[] {
  if (module === undefined || module === null) return [];
  if (!isObject(module)) throw badInput(source, `${where} is not an object`);
  const found: SnapshotResource[] = [];
  const resources = module.resources ?? [];
  if (!Array.isArray(resources)) throw badInput(source, `${where}.resources is not a list`);
  for (const [index, resource] of resources.entries()) {
    const path = `${where}.resources[${index}]`;
    if (!isObject(resource)) throw badInput(source, `${path} is not an object`);
    if (typeof resource.address !== "string") throw badInput(source, `${path} has no address`);
    if (typeof resource.type !== "string")
      throw badInput(source, `${path} (${resource.address}) has no type`);
    if ((resource.mode ?? "managed") !== "managed") continue;
    const values = resource.values ?? {};
    if (!isObject(values))
      throw badInput(source, `${path} (${resource.address}) has values that are not an object`);
    found.push({ address: resource.address, type: resource.type, values });
  }
  const children = module.child_modules ?? [];
  if (!Array.isArray(children)) throw badInput(source, `${where}.child_modules is not a list`);
  for (const [index, child] of children.entries()) {
    found.push(...moduleResources(child, source, `${where}.child_modules[${index}]`));
  }
  return found;
}
