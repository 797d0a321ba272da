import type { PlanJson, ResourceChangeJson } from "./plan-json.js";
import { rbacObject, roleKey, type RoleRules } from "../targets/kubernetes/index.js";

/**
 * What a resource's access depends on elsewhere in the same plan: the role a Kubernetes
 * binding binds, the AWS policy an attachment attaches. Collected while the plan is indexed
 * (only the few types that can be referred to), looked up when a resource's view is built.
 */
export class PlanRelations {
  private readonly roles = new Map<string, RoleRules>();
  /** AWS policies by their known ARN, and by address without instance key. */
  private readonly awsPoliciesByArn = new Map<string, ResourceChangeJson[]>();
  private readonly awsPoliciesByBase = new Map<string, ResourceChangeJson[]>();
  /** The one grant owning every policy of an address without instance key (null: none or several), found on first use. */
  private readonly soleOwners = new Map<string, string | null>();
  private configIndex: Map<string, ConfigResource> | undefined;

  constructor(
    private readonly plan: PlanJson,
    private readonly ownerOf: ReadonlyMap<string, string>,
  ) {}

  /** Notes a resource change that others may refer to; a change being deleted is not there after the plan. */
  add(change: ResourceChangeJson): void {
    const { type } = change;
    const referable =
      type === "aws_iam_policy" || type.startsWith("kubernetes_") || type === "kubectl_manifest";
    const { actions } = change.change;
    if (!referable || (actions.length === 1 && actions[0] === "delete")) return;
    if (type === "aws_iam_policy") {
      const arn = (change.change.after as { arn?: unknown } | null)?.arn;
      if (typeof arn === "string") appendTo(this.awsPoliciesByArn, arn, change);
      appendTo(this.awsPoliciesByBase, withoutInstanceKey(change.address), change);
    } else {
      const values = change.change.after;
      if (typeof values !== "object" || values === null) return;
      const object = rbacObject(type, values as Record<string, unknown>);
      if (object && (object.kind === "Role" || object.kind === "ClusterRole"))
        this.roles.set(roleKey(object.kind, object.namespace, object.name), object.rules);
    }
  }

  /** The rules of a role this plan creates or keeps, by {@link roleKey}. */
  role(key: string): RoleRules | undefined {
    return this.roles.get(key);
  }

  /** Whether `arn` is the known ARN of an AWS policy this plan holds for grant `owner`. */
  isGrantPolicyArn(arn: string, owner: string | null): boolean {
    return (
      owner !== null &&
      (this.awsPoliciesByArn.get(arn)?.some((policy) => this.ownerOf.get(policy.address) === owner) ?? false)
    );
  }

  /**
   * For an attachment whose policy ARN is known only after apply: whether its configuration
   * refers to nothing but AWS policies of the same module instance that this plan holds for
   * grant `owner` (the AWS binding's `aws_iam_policy.x.arn`). A JSON configuration keeps the
   * expression's text, which must then be that reference alone; for HCL the plan JSON gives
   * only the references: see docs/security-model.md for what that leaves.
   */
  refersOnlyToGrantPolicies(change: ResourceChangeJson, attribute: string, owner: string | null): boolean {
    if (owner === null) return false;
    const module = (change as { module_address?: string }).module_address ?? "";
    const config = this.config().get(`${stripKeys(module)}|${change.type}.${change.name ?? ""}`);
    const expression = config?.expressions?.[attribute];
    const references = expression?.references;
    if (!Array.isArray(references) || references.length === 0) return false;
    // A JSON configuration (what cdktf writes) keeps the template's text: then it must be the
    // ARN of one policy and nothing else, not a conditional that may yield another ARN.
    const text = expression?.constant_value;
    if (text !== undefined && !(typeof text === "string" && POLICY_ARN_TEMPLATE.test(text))) return false;
    const targets = new Set<string>();
    for (const reference of references) {
      if (typeof reference !== "string") return false;
      if (reference === "count.index" || reference === "each.key") continue;
      const match = /^(aws_iam_policy\.[A-Za-z0-9_-]+)/.exec(reference);
      if (!match?.[1]) return false;
      targets.add(`${module === "" ? "" : `${module}.`}${match[1]}`);
    }
    return targets.size > 0 && [...targets].every((target) => this.soleOwner(target) === owner);
  }

  /**
   * The grant that owns every AWS policy at `base` (an address without instance key), when
   * there is at least one and one grant owns them all; null otherwise. Kept per address, so
   * that the attachments of a policy with many instances do not each look at all of them.
   */
  private soleOwner(base: string): string | null {
    let owner = this.soleOwners.get(base);
    if (owner === undefined) {
      const owners = new Set(
        (this.awsPoliciesByBase.get(base) ?? []).map((policy) => this.ownerOf.get(policy.address)),
      );
      const [only] = owners;
      owner = owners.size === 1 && only !== undefined ? only : null;
      this.soleOwners.set(base, owner);
    }
    return owner;
  }

  /** The configuration's resources by `module path without instance keys|type.name`, built on first use. */
  private config(): Map<string, ConfigResource> {
    if (this.configIndex) return this.configIndex;
    const index = new Map<string, ConfigResource>();
    const walk = (module: ConfigModule | undefined, path: string) => {
      for (const resource of Array.isArray(module?.resources) ? module.resources : [])
        if (typeof resource?.address === "string") index.set(`${path}|${resource.address}`, resource);
      for (const [name, call] of Object.entries(module?.module_calls ?? {}))
        walk(call?.module, path === "" ? `module.${name}` : `${path}.module.${name}`);
    };
    walk((this.plan as { configuration?: { root_module?: ConfigModule } }).configuration?.root_module, "");
    return (this.configIndex = index);
  }
}

interface ConfigResource {
  readonly address?: string;
  readonly expressions?: Record<
    string,
    { readonly references?: unknown; readonly constant_value?: unknown } | undefined
  >;
}

/** `${aws_iam_policy.NAME.arn}`, optionally with an instance key: the AWS binding's reference. */
const POLICY_ARN_TEMPLATE = /^\$\{aws_iam_policy\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.arn\}$/;

interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Record<string, { readonly module?: ConfigModule } | undefined>;
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** `aws_iam_policy.p[0]` -> `aws_iam_policy.p`. */
function withoutInstanceKey(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

/** `module.a["x"].module.b[0]` -> `module.a.module.b`. */
function stripKeys(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "");
}
