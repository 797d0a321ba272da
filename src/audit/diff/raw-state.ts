import { badInput } from "./bad-input.js";
import { isObject } from "./json-object.js";
import type { Snapshot, SnapshotResource } from "./snapshot.js";

/** The only raw state format tempgrant reads: Terraform 0.12 and later, every OpenTofu. */
export const RAW_STATE_VERSION = 4;

/**
 * Attributes of the built-in `terraform_data` whose schema type is dynamic. A raw state
 * stores a dynamic value with its type, `{"value": ..., "type": ...}`; `show -json` prints
 * the value alone. Unwrapping them here makes a raw state read like `show -json`, so a grant
 * record (the `input`) is found, and compares equal, whichever file it came from.
 */
const DYNAMIC_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  terraform_data: ["input", "output", "triggers_replace"],
};

/** Reads a raw state file (`terraform.tfstate`, version 4) that has been parsed and recognized. */
export function readRawState(doc: Record<string, unknown>, source: string): Snapshot {
  if (doc.version !== RAW_STATE_VERSION) {
    throw badInput(
      source,
      `is a version ${String(doc.version)} state file; tempgrant reads version ${RAW_STATE_VERSION} ` +
        "(Terraform 0.12 and later, OpenTofu): upgrade it, or give `show -json` of it",
    );
  }
  const list = doc.resources ?? [];
  if (!Array.isArray(list)) throw badInput(source, "has resources that is not a list");
  const resources: SnapshotResource[] = [];
  for (const [index, entry] of list.entries()) {
    const path = `resources[${index}]`;
    if (!isObject(entry)) throw badInput(source, `${path} is not an object`);
    const { type, name, module, mode } = entry;
    if (typeof type !== "string" || typeof name !== "string") {
      throw badInput(source, `${path} has no type or name`);
    }
    if (module !== undefined && typeof module !== "string") {
      throw badInput(source, `${path} (${type}.${name}) has a module that is not a string`);
    }
    const base = `${module ? `${module}.` : ""}${mode === "data" ? "data." : ""}${type}.${name}`;
    if (!Array.isArray(entry.instances)) throw badInput(source, `${path} (${base}) has no list of instances`);
    if ((mode ?? "managed") !== "managed") continue;
    for (const [i, instance] of entry.instances.entries()) {
      if (!isObject(instance)) throw badInput(source, `${path}.instances[${i}] (${base}) is not an object`);
      // A deposed object is a leftover the next apply destroys; the current object is the resource.
      if (instance.deposed !== undefined) continue;
      const address = `${base}${indexSuffix(instance.index_key)}`;
      const attributes = instance.attributes ?? {};
      if (!isObject(attributes))
        throw badInput(source, `${path}.instances[${i}] (${address}) has attributes that are not an object`);
      resources.push({ address, type, values: unwrapDynamic(type, attributes) });
    }
  }
  return {
    source,
    kind: "raw-state",
    ...(typeof doc.serial === "number" ? { serial: doc.serial } : {}),
    resources,
  };
}

/** `[0]` for count, `["key"]` for for_each, nothing for a single instance: as addresses are written. */
function indexSuffix(key: unknown): string {
  if (typeof key === "number") return `[${key}]`;
  if (typeof key === "string") return `[${JSON.stringify(key)}]`;
  return "";
}

function unwrapDynamic(type: string, attributes: Record<string, unknown>): Record<string, unknown> {
  const dynamic = DYNAMIC_ATTRIBUTES[type];
  if (!dynamic) return attributes;
  const values = { ...attributes };
  for (const name of dynamic) {
    const stored = values[name];
    if (isObject(stored) && "value" in stored && "type" in stored && Object.keys(stored).length === 2) {
      values[name] = stored.value;
    }
  }
  return values;
}
