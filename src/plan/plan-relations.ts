import type { PlanJson, ResourceChangeJson } from "./plan-json.js";
import {
  configKey,
  configKeyOfChange,
  forEachConfiguredResource,
  type ConfigResource,
} from "./configuration.js";
import { targetConfigReference, targetRelations } from "../targets/registry.js";
import type { ConfigReference, RelationIndex, RelationLookups } from "../targets/relation-hooks.js";

/** A resource found in an index: its address (for its owner) and what it holds there. */
interface Indexed {
  readonly address: string;
  readonly value: unknown;
}

/**
 * What a resource's access depends on elsewhere in the same plan (the role a binding binds,
 * the policy an attachment attaches). Each target says which of its types are referred to and
 * how to index them (relation-hooks.ts); they are collected while the plan is indexed, and
 * looked up when a resource's view is built. No target is named here.
 */
export class PlanRelations implements RelationLookups {
  private readonly indexes = new Map<RelationIndex, Map<string, Indexed[]>>();
  /** Per index and key, the one grant owning every resource there (null: none or several), found on first use. */
  private readonly soleOwners = new Map<RelationIndex, Map<string, string | null>>();
  private configIndex: Map<string, ConfigResource> | undefined;
  /** Per reference, the patterns its configuration text and references must match. */
  private readonly patterns = new Map<ConfigReference, ReferencePatterns>();

  constructor(
    private readonly plan: PlanJson,
    private readonly ownerOf: ReadonlyMap<string, string>,
  ) {}

  /** Notes a resource change that others may refer to; a change being deleted is not there after the plan. */
  add(change: ResourceChangeJson): void {
    const hooks = targetRelations(change.type);
    if (hooks === null) return;
    const { actions, after } = change.change;
    if (actions.length === 1 && actions[0] === "delete") return;
    if (hooks.writtenOnly && !written(change)) return;
    const values = typeof after === "object" && after !== null ? (after as Record<string, unknown>) : null;
    for (const { index, key, value } of hooks.entries(change.type, change.address, values)) {
      let byKey = this.indexes.get(index);
      if (byKey === undefined) this.indexes.set(index, (byKey = new Map()));
      const list = byKey.get(key);
      const entry = { address: change.address, value };
      if (list === undefined) byKey.set(key, [entry]);
      else list.push(entry);
    }
  }

  value<Value>(index: RelationIndex<Value>, key: string): Value | undefined {
    const list = this.indexes.get(index)?.get(key);
    return list === undefined ? undefined : (list[list.length - 1]!.value as Value);
  }

  heldFor(index: RelationIndex, key: string, owner: string | null): boolean {
    return (
      owner !== null &&
      (this.indexes
        .get(index)
        ?.get(key)
        ?.some((entry) => this.ownerOf.get(entry.address) === owner) ??
        false)
    );
  }

  /** The attributes of this type that may hold a reference its target reads; undefined for none. */
  referenceAttributes(type: string): readonly string[] | undefined {
    return targetConfigReference(type)?.attributes;
  }

  /**
   * For a value known only after apply: whether the configuration of `attribute` is a
   * reference to one referable resource of the same module instance that this plan holds for
   * grant `owner`, of the type its target names (a binding attaching its own policy by ARN).
   * Only a JSON configuration (what cdktf writes) keeps the expression's text, which must then
   * be that reference alone. For HCL the plan JSON gives only the references, and
   * `replace(aws_iam_policy.x.arn, "/^.+$/", "arn:…:AdministratorAccess")` has the same ones as the
   * reference alone: without the text nothing tells them apart, so the value stays unknown.
   */
  refersOnlyToOwnResources(change: ResourceChangeJson, attribute: string, owner: string | null): boolean {
    if (owner === null) return false;
    const reference = targetConfigReference(change.type);
    if (reference === undefined || !reference.attributes.includes(attribute)) return false;
    const module = (change as { module_address?: string }).module_address ?? "";
    const config = this.config().get(configKeyOfChange(change));
    const expression = config?.expressions?.[attribute];
    const references = expression?.references;
    if (!Array.isArray(references) || references.length === 0) return false;
    const patterns = this.patternsOf(reference);
    // The template's text must be the attribute of one resource and nothing else, not a
    // conditional or a function that may yield another.
    const text = expression?.constant_value;
    if (!(typeof text === "string" && patterns.template.test(text))) return false;
    const targets = new Set<string>();
    for (const name of references) {
      if (typeof name !== "string") return false;
      if (name === "count.index" || name === "each.key") continue;
      const match = patterns.reference.exec(name);
      if (!match?.[1]) return false;
      targets.add(`${module === "" ? "" : `${module}.`}${match[1]}`);
    }
    return (
      targets.size > 0 &&
      [...targets].every((target) => this.soleOwner(reference.byAddress, target) === owner)
    );
  }

  /**
   * The attributes the configuration of `change`'s resource sets (an expression each); undefined
   * when the plan holds no configuration of it, so a caller cannot tell (and assumes set).
   */
  configuredAttributes(change: ResourceChangeJson): ReadonlySet<string> | undefined {
    const config = this.config().get(configKeyOfChange(change));
    const expressions = config?.expressions;
    return typeof expressions === "object" && expressions !== null
      ? new Set(Object.keys(expressions))
      : undefined;
  }

  /**
   * The grant that owns every resource under `key` in `index`, when there is at least one and
   * one grant owns them all; null otherwise. Kept per key, so that the attachments of a policy
   * with many instances do not each look at all of them.
   */
  private soleOwner(index: RelationIndex, key: string): string | null {
    let known = this.soleOwners.get(index);
    if (known === undefined) this.soleOwners.set(index, (known = new Map()));
    let owner = known.get(key);
    if (owner === undefined) {
      const owners = new Set(
        (this.indexes.get(index)?.get(key) ?? []).map((entry) => this.ownerOf.get(entry.address)),
      );
      const [only] = owners;
      owner = owners.size === 1 && only !== undefined ? only : null;
      known.set(key, owner);
    }
    return owner;
  }

  private patternsOf(reference: ConfigReference): ReferencePatterns {
    let patterns = this.patterns.get(reference);
    if (patterns === undefined) {
      const type = escapeRegExp(reference.type);
      patterns = {
        template: new RegExp(
          `^\\$\\{${type}\\.[A-Za-z0-9_-]+(\\[[^\\]]*\\])?\\.${escapeRegExp(reference.attribute)}\\}$`,
        ),
        reference: new RegExp(`^(${type}\\.[A-Za-z0-9_-]+)`),
      };
      this.patterns.set(reference, patterns);
    }
    return patterns;
  }

  /** The configuration's resources by `module path without instance keys|type.name`, built on first use. */
  private config(): Map<string, ConfigResource> {
    if (this.configIndex) return this.configIndex;
    const index = new Map<string, ConfigResource>();
    forEachConfiguredResource(this.plan, (resource, path) => {
      if (typeof resource.address === "string") index.set(configKey(path, resource.address), resource);
    });
    return (this.configIndex = index);
  }
}

/**
 * A reference's text as a JSON configuration keeps it (`${<type>.NAME.<attribute>}`, optionally
 * with an instance key), and the referable resource a reference in the plan's list names.
 */
interface ReferencePatterns {
  readonly template: RegExp;
  readonly reference: RegExp;
}

/** Whether the plan creates, updates or replaces the resource, and does not import it. */
function written(change: ResourceChangeJson): boolean {
  const { actions } = change.change;
  const importing = (change.change as { importing?: unknown }).importing;
  return (
    (importing === undefined || importing === null) &&
    (actions.includes("create") || actions.includes("update"))
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
