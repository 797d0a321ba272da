import { parseDocument } from "yaml";
import { yamlValue } from "../../grant/yaml-value.js";

/**
 * Kubernetes RBAC read as the API server reads it: a binding grants what its role's rules
 * allow. Roles come from the same plan (kubernetes_role, kubernetes_cluster_role, their _v1
 * forms, kubernetes_manifest and kubectl_manifest holding RBAC objects) or are the built-in
 * cluster roles; a role the plan does not hold is known by its name only.
 */

/** One RBAC rule: verbs on resources of API groups. */
export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** A role's rules, or `aggregated` when a controller fills them in from labels later. */
export type RoleRules = readonly RbacRule[] | "aggregated";

/** An RBAC object found in a resource's planned values. */
export type RbacObject =
  | {
      readonly kind: "Role" | "ClusterRole";
      readonly namespace: string;
      readonly name: string;
      readonly rules: RoleRules;
    }
  | {
      readonly kind: "RoleBinding" | "ClusterRoleBinding";
      readonly namespace: string;
      readonly roleKind: string;
      readonly roleName: string;
      readonly subjects: readonly { readonly kind: string; readonly name: string }[];
    };

/** The kinds that make a manifest privileged. */
export const RBAC_KINDS: ReadonlySet<string> = new Set([
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
]);

/**
 * The built-in user-facing cluster roles that reach secrets, bindings or impersonation
 * (`view` does not): the rules that make them wide, not all of their rules.
 */
const BUILT_IN_ROLES: Readonly<Record<string, readonly RbacRule[]>> = {
  "cluster-admin": [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
  admin: [
    {
      apiGroups: [""],
      resources: ["secrets"],
      verbs: ["get", "list", "watch", "create", "update", "delete"],
    },
    {
      apiGroups: ["rbac.authorization.k8s.io"],
      resources: ["roles", "rolebindings"],
      verbs: ["create", "update", "delete"],
    },
    { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
  ],
  edit: [
    {
      apiGroups: [""],
      resources: ["secrets"],
      verbs: ["get", "list", "watch", "create", "update", "delete"],
    },
    { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
    { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
  ],
};

/** Verbs that hand out more access than the rule names: granting roles, becoming others. */
const ESCALATING_VERBS = new Set(["escalate", "bind", "impersonate"]);

/** Subjects that are everyone. */
const EVERYONE = new Set(["system:authenticated", "system:unauthenticated", "system:anonymous"]);

/** The key a role is found by: `Role ns/name` or `ClusterRole name`. */
export function roleKey(kind: string, namespace: string, name: string): string {
  return kind === "ClusterRole" ? `ClusterRole ${name}` : `Role ${namespace}/${name}`;
}

/**
 * Whether a manifest resource holds an RBAC object, by its kind alone: what makes it
 * privileged even when the rest of it cannot be read.
 */
export function isRbacManifest(type: string, values: Record<string, unknown>): boolean {
  if (type === "kubernetes_manifest") return RBAC_KINDS.has(text(block(values.manifest)?.kind));
  if (type === "kubectl_manifest")
    return (
      RBAC_KINDS.has(text(values.kind)) ||
      (typeof values.yaml_body === "string" &&
        /^\s*kind:\s*["']?(Cluster)?Role(Binding)?["']?\s*$/m.test(values.yaml_body))
    );
  return false;
}

/** The RBAC object of a resource's planned values, for the types that hold one. */
export function rbacObject(type: string, values: Record<string, unknown>): RbacObject | undefined {
  if (type === "kubernetes_manifest") return fromManifest(values.manifest);
  if (type === "kubectl_manifest") return fromManifest(yamlBody(values.yaml_body), values.kind);
  const kind = PROVIDER_KINDS[type.replace(/_v1$/, "")];
  if (!kind) return undefined;
  // The kubernetes provider's blocks (snake_case, lists of one) in the manifest's shape.
  const ref = block(values.role_ref) ?? {};
  return fromManifest({
    kind,
    metadata: block(values.metadata),
    rules: list(values.rule).map((rule) => {
      const fields = block(rule) ?? {};
      return { apiGroups: fields.api_groups, resources: fields.resources, verbs: fields.verbs };
    }),
    aggregationRule: list(values.aggregation_rule).length > 0 ? values.aggregation_rule : undefined,
    roleRef: { kind: ref.kind, name: ref.name },
    subjects: values.subject,
  });
}

const PROVIDER_KINDS: Readonly<Record<string, RbacObject["kind"]>> = {
  kubernetes_role: "Role",
  kubernetes_cluster_role: "ClusterRole",
  kubernetes_role_binding: "RoleBinding",
  kubernetes_cluster_role_binding: "ClusterRoleBinding",
};

/** An RBAC object written as a Kubernetes manifest (camelCase fields). */
function fromManifest(manifest: unknown, kindAttribute?: unknown): RbacObject | undefined {
  const fields = block(manifest);
  const kind = text(fields?.kind ?? kindAttribute);
  if (!fields || !RBAC_KINDS.has(kind)) return undefined;
  const metadata = block(fields.metadata);
  const name = text(metadata?.name);
  const namespace = text(metadata?.namespace);
  if (kind === "Role" || kind === "ClusterRole") {
    const aggregated = fields.aggregationRule !== undefined && fields.aggregationRule !== null;
    const rules = list(fields.rules).map((rule) => {
      const r = block(rule) ?? {};
      return { apiGroups: strings(r.apiGroups), resources: strings(r.resources), verbs: strings(r.verbs) };
    });
    return { kind, namespace, name, rules: aggregated ? "aggregated" : rules };
  }
  const ref = block(fields.roleRef) ?? {};
  return {
    kind: kind as "RoleBinding" | "ClusterRoleBinding",
    namespace,
    roleKind: text(ref.kind),
    roleName: text(ref.name),
    subjects: list(fields.subjects).map((subject) => {
      const s = block(subject) ?? {};
      return { kind: text(s.kind), name: text(s.name) };
    }),
  };
}

/** What a set of rules allows, for the scope: `verb group/resource` privileges and what is too wide. */
export function readRules(rules: RoleRules, roleName: string): { privileges: string[]; wide: string[] } {
  if (rules === "aggregated")
    return { privileges: [], wide: [`the role ${roleName}, whose rules are aggregated from other roles`] };
  const privileges: string[] = [];
  const wide = new Set<string>();
  for (const rule of rules) {
    for (const verb of rule.verbs) {
      if (ESCALATING_VERBS.has(verb.toLowerCase())) wide.add(`the verb ${verb} (in ${roleName})`);
      for (const group of rule.apiGroups.length > 0 ? rule.apiGroups : [""])
        for (const resource of rule.resources) {
          privileges.push(`${verb} ${group === "" ? "" : `${group}/`}${resource}`);
          // A "*" resource is a wildcard privilege already; secrets are credentials to more.
          if (/^secrets(\/|$)/i.test(resource)) wide.add(`access to secrets (in ${roleName})`);
        }
    }
  }
  return { privileges, wide: [...wide] };
}

/** The rules of a built-in cluster role that matter to scope; undefined for any other name. */
export function builtInRules(name: string): readonly RbacRule[] | undefined {
  return Object.hasOwn(BUILT_IN_ROLES, name) ? BUILT_IN_ROLES[name] : undefined;
}

/** Subjects that are everyone, described for messages. */
export function everyoneSubjects(subjects: readonly { kind: string; name: string }[]): string[] {
  return subjects
    .filter((subject) => EVERYONE.has(subject.name.trim().toLowerCase()))
    .map((subject) => `the subject ${subject.kind} ${subject.name} (everyone)`);
}

/** kubectl_manifest's YAML text as plain values; undefined when it is not one readable document. */
function yamlBody(body: unknown): unknown {
  if (typeof body !== "string") return undefined;
  const document = parseDocument(body);
  if (document.errors.length > 0) return undefined;
  const value = yamlValue(document);
  return value.ok ? value.value : undefined;
}

function block(value: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "object" && first !== null ? (first as Record<string, unknown>) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function strings(value: unknown): string[] {
  return list(value).filter((item): item is string => typeof item === "string");
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}
