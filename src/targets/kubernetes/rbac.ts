import { parseDocument } from "yaml";
import { yamlValue } from "../../grant/yaml-value.js";

/**
 * Kubernetes RBAC read as the API server reads it: a binding grants what its role's rules
 * allow. Roles come from the same plan (kubernetes_role, kubernetes_cluster_role, their _v1
 * forms, kubernetes_manifest and kubectl_manifest holding RBAC objects) or are the built-in
 * cluster roles; a role the plan does not hold is known by its name only (a `system:` one
 * is too wide). Manifests whose kind cannot be read at plan time fail closed.
 */

/** One RBAC rule: verbs on resources of API groups. */
export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** URLs outside the resource API (`/metrics`, `/logs/*`, `*`): ClusterRoles only. */
  readonly nonResourceURLs?: readonly string[];
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

/** The kinds that hold RBAC objects. */
export const RBAC_KINDS: ReadonlySet<string> = new Set([
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
]);

/** The Secret type the API server fills with a service account's token, valid until the Secret goes. */
export const SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";

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

const WRITE: ReadonlySet<string> = new Set(["create", "update", "patch"]);
/** Nodes: deleting one moves its pods (and their tokens) to the nodes left, one the writer may have created. */
const NODE_WRITE: ReadonlySet<string> = new Set([...WRITE, "delete"]);

/**
 * Workloads whose pod template names any service account of the namespace: creating or
 * changing one runs a pod with that account's token, as creating a pod does.
 */
const WORKLOADS = [
  "deployments",
  "replicasets",
  "statefulsets",
  "daemonsets",
  "jobs",
  "cronjobs",
  "replicationcontrollers",
];

/**
 * Resources whose use reaches past what the rule names, in any API group (reading more
 * wide only refuses more). Others' credentials: secrets, minted service account tokens, the
 * tokens mounted in pods one can exec or attach into, the kubelet API behind nodes/proxy.
 * Access that outlives the grant, which the sweep cannot take back: roles and bindings
 * written through the API, approved certificates. Every later request: admission webhooks,
 * API services, CRD conversion webhooks. The node: writing nodes, persistent volumes (hostPath),
 * namespace labels that lift Pod Security.
 * A resource here also covers its subresources (`secrets/x`) unless `exact`; `verbs`
 * undefined: any verb. Pods, and the workloads that make them, run with any service account
 * of the namespace: creating one (or adding an ephemeral container) reaches that token.
 */
const REACHING_RESOURCES: readonly {
  resource: string;
  verbs?: ReadonlySet<string>;
  exact?: boolean;
  /** Reaching only through rules that hold in this namespace (or cluster-wide). */
  onlyIn?: string;
  what: string;
}[] = [
  { resource: "secrets", what: "access to secrets" },
  {
    resource: "serviceaccounts/token",
    verbs: new Set(["create"]),
    what: "minting service account tokens through serviceaccounts/token",
  },
  { resource: "pods/exec", what: "running commands in pods, and so their tokens, through pods/exec" },
  { resource: "pods/attach", what: "attaching to pods, and so their tokens, through pods/attach" },
  // Any verb, as pods/exec: a WebSocket client asks with `get`.
  {
    resource: "pods/portforward",
    what: "connecting to any port of pods, their local-only ones too, through pods/portforward",
  },
  // Changing a running pod's image runs new code with its token, as creating one does.
  {
    resource: "pods",
    verbs: WRITE,
    exact: true,
    what: "writing pods (creating one, or changing a running pod's image), which run with any service account token of the namespace",
  },
  // On EKS, kube-system's aws-auth ConfigMap maps IAM roles to Kubernetes groups (system:masters).
  {
    resource: "configmaps",
    verbs: NODE_WRITE,
    exact: true,
    onlyIn: "kube-system",
    what: "writing configmaps cluster-wide or in kube-system, where EKS's aws-auth maps IAM roles to any group, system:masters too",
  },
  {
    resource: "pods/ephemeralcontainers",
    verbs: WRITE,
    what: "adding containers to running pods, and so their tokens, through pods/ephemeralcontainers",
  },
  ...WORKLOADS.map((resource) => ({
    resource,
    verbs: WRITE,
    exact: true,
    what: `writing ${resource}, whose pods run with any service account token of the namespace`,
  })),
  { resource: "nodes/proxy", what: "the kubelet API through nodes/proxy" },
  // A node's labels and taints decide which pods (and tokens) land on it; its status, where
  // the API server sends exec, logs and proxy traffic.
  ...["nodes", "nodes/status"].map((resource) => ({
    resource,
    verbs: NODE_WRITE,
    exact: true,
    what: `writing nodes, which decides where pods run and where the API server's kubelet traffic goes, through ${resource}`,
  })),
  {
    resource: "persistentvolumes",
    verbs: WRITE,
    what: "writing persistent volumes, which can mount any path of a node (hostPath), through persistentvolumes",
  },
  {
    resource: "apiservices",
    verbs: WRITE,
    what: "sending an API group's requests to any service through apiservices",
  },
  {
    resource: "customresourcedefinitions",
    verbs: WRITE,
    what: "a conversion webhook that sees and rewrites every object of a custom type, through customresourcedefinitions",
  },
  // Labels on a namespace lift its Pod Security level and the namespace selectors of webhooks
  // and network policies. Creating or deleting one gives no access.
  {
    resource: "namespaces",
    verbs: new Set(["update", "patch"]),
    exact: true,
    what: "relabelling namespaces, which lifts their Pod Security level and webhook selectors, through namespaces",
  },
  ...["roles", "clusterroles", "rolebindings", "clusterrolebindings"].map((resource) => ({
    resource,
    verbs: WRITE,
    what: `writing RBAC that outlives the grant through ${resource}`,
  })),
  {
    resource: "certificatesigningrequests/approval",
    verbs: WRITE,
    what: "approving certificate requests through certificatesigningrequests/approval",
  },
  {
    resource: "signers",
    verbs: new Set(["approve", "sign"]),
    what: "approving or signing certificates through signers",
  },
  ...[
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
  ].map((resource) => ({
    resource,
    verbs: WRITE,
    what: `admission control over every request through ${resource}`,
  })),
];

/** Subjects that are everyone. */
const EVERYONE = new Set(["system:authenticated", "system:unauthenticated", "system:anonymous"]);

/**
 * Groups Kubernetes fills by itself, each a whole class of identities; any other `system:`
 * group (the prefix is Kubernetes' own) is read as one too.
 */
const CLASS_SUBJECTS: readonly (readonly [RegExp, string])[] = [
  [/^system:serviceaccounts$/, "every service account"],
  [/^system:serviceaccounts:/, "every service account of a namespace"],
  [/^system:nodes$/, "every node"],
  [/^system:bootstrappers(:|$)/, "every bootstrap token"],
  [/^system:masters$/, "the cluster's superusers"],
];

/** The key a role is found by: `Role ns/name` or `ClusterRole name`. */
export function roleKey(kind: string, namespace: string, name: string): string {
  return kind === "ClusterRole" ? `ClusterRole ${name}` : `Role ${namespace}/${name}`;
}

/** The resource types that create any Kubernetes object from a manifest. */
const MANIFEST_TYPES: ReadonlySet<string> = new Set(["kubernetes_manifest", "kubectl_manifest"]);

/**
 * What a manifest resource holds, as far as access goes; undefined for other types.
 * `unreadable`: its body or kind is unknown at plan time, or is not one object (several YAML
 * documents, a List): the API server may create anything from it, so it fails closed.
 * `credential`: a certificate request, or a Secret holding a service account's token (its
 * type unknown at plan time, in `unknown`, counts).
 */
export function manifestContent(
  type: string,
  values: Record<string, unknown>,
  unknown: readonly string[] = [],
): "unreadable" | "rbac" | "credential" | "admission" | "aws-auth" | "other" | undefined {
  if (!MANIFEST_TYPES.has(type)) return undefined;
  const fields = manifestObject(type, values);
  const kind = fields?.kind;
  if (!fields || typeof kind !== "string" || /List$/.test(kind)) return "unreadable";
  // Without case: a kind the API server would refuse is refused here too. kubectl_manifest's
  // computed `kind` counts as well, never instead of the body.
  const kinds = [kind, text(values.kind)].map((name) => name.toLowerCase());
  if (kinds.some((name) => RBAC_KINDS_LOWER.has(name))) return "rbac";
  if (kinds.includes("certificatesigningrequest")) return "credential";
  if (kinds.some((name) => ADMISSION_KINDS.has(name))) return "admission";
  if (kinds.includes("configmap")) {
    const metadata = block(fields.metadata);
    const namespace =
      type === "kubectl_manifest" &&
      typeof values.override_namespace === "string" &&
      values.override_namespace !== ""
        ? values.override_namespace
        : metadata?.namespace;
    if (
      awsAuthName(metadata?.name, namespace) ||
      unknown.some((path) => /^(?:manifest\.metadata(?:\.name|\.namespace)?|override_namespace)$/.test(path))
    )
      return "aws-auth";
  }
  if (
    kinds.includes("secret") &&
    (fields.type === SERVICE_ACCOUNT_TOKEN || unknown.includes("manifest.type"))
  )
    return "credential";
  return "other";
}

/** The one object a manifest resource holds; undefined when it is not one readable object. */
export function manifestObject(
  type: string,
  values: Record<string, unknown>,
): Record<string, unknown> | undefined {
  return object(type === "kubernetes_manifest" ? values.manifest : yamlBody(values.yaml_body));
}

const RBAC_KINDS_LOWER = new Set([...RBAC_KINDS].map((kind) => kind.toLowerCase()));

/** Admission control (lower case): a webhook or policy sees, refuses or rewrites every object it matches. */
const ADMISSION_KINDS: ReadonlySet<string> = new Set(
  [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
  ].map((kind) => kind.toLowerCase()),
);

/**
 * Whether a ConfigMap is EKS's `aws-auth` (kube-system): it maps IAM roles and users to
 * Kubernetes users and groups. A name or namespace that is not text cannot be ruled out.
 */
export function awsAuthName(name: unknown, namespace: unknown): boolean {
  if (typeof name !== "string" || name.trim() !== "aws-auth") return false;
  // No namespace: the provider's or the kubeconfig's default, which may be kube-system.
  return typeof namespace !== "string" || namespace.trim() === "" || namespace.trim() === "kube-system";
}

/**
 * What in an `aws-auth` ConfigMap's data is too wide: an entry mapping to `system:masters`
 * (cluster-admin past RBAC, which no binding takes back). Read as plain text, without case,
 * in every data value (mapRoles, mapUsers, any other), and in each value read as YAML too,
 * so that an escape (`"system\x3amasters"`) or a merge key does not hide it; a value that is
 * not text or not YAML cannot be read.
 */
export function awsAuthWide(data: unknown): string[] {
  if (data === undefined || data === null) return [];
  if (typeof data !== "object" || Array.isArray(data)) return ["aws-auth data tempgrant cannot read"];
  const wide = new Set<string>();
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== "string") {
      wide.add(`aws-auth ${key} tempgrant cannot read`);
      continue;
    }
    const parsed = yamlBody(value);
    if (parsed === undefined && value.trim() !== "") wide.add(`aws-auth ${key} tempgrant cannot read`);
    if (value.toLowerCase().includes("system:masters") || mentionsMasters(parsed))
      wide.add(`the group system:masters in aws-auth ${key} (cluster-admin that no binding takes back)`);
  }
  return [...wide];
}

function mentionsMasters(value: unknown): boolean {
  if (typeof value === "string") return value.trim().toLowerCase() === "system:masters";
  if (Array.isArray(value)) return value.some(mentionsMasters);
  if (typeof value === "object" && value !== null) return Object.values(value).some(mentionsMasters);
  return false;
}

/** The RBAC object of a resource's planned values, for the types that hold one. */
export function rbacObject(type: string, values: Record<string, unknown>): RbacObject | undefined {
  if (type === "kubernetes_manifest") return fromManifest(values.manifest);
  if (type === "kubectl_manifest") {
    const found = fromManifest(yamlBody(values.yaml_body), values.kind);
    // kubectl_manifest applies the object in override_namespace when it is set.
    const override = values.override_namespace;
    return found && typeof override === "string" && override !== ""
      ? { ...found, namespace: override }
      : found;
  }
  const kind = PROVIDER_KINDS[type.replace(/_v1$/, "")];
  if (!kind) return undefined;
  // The kubernetes provider's blocks (snake_case, lists of one) in the manifest's shape.
  const ref = block(values.role_ref) ?? {};
  return fromManifest({
    kind,
    metadata: block(values.metadata),
    rules: list(values.rule).map((rule) => {
      const fields = block(rule) ?? {};
      return {
        apiGroups: fields.api_groups,
        resources: fields.resources,
        verbs: fields.verbs,
        nonResourceURLs: fields.non_resource_urls,
      };
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
  // One object: a YAML sequence is not one object, and is not read by its first item.
  const fields = object(manifest);
  const kind = text(fields?.kind ?? kindAttribute);
  if (!fields || !RBAC_KINDS.has(kind)) return undefined;
  const metadata = block(fields.metadata);
  const name = text(metadata?.name);
  const namespace = text(metadata?.namespace);
  if (kind === "Role" || kind === "ClusterRole") {
    const aggregated = fields.aggregationRule !== undefined && fields.aggregationRule !== null;
    const rules = list(fields.rules).map((rule) => {
      const r = block(rule) ?? {};
      return {
        apiGroups: strings(r.apiGroups),
        resources: strings(r.resources),
        verbs: strings(r.verbs),
        nonResourceURLs: strings(r.nonResourceURLs),
      };
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

/**
 * What a set of rules allows, for the scope: `verb group/resource` privileges and what is too
 * wide. `namespace`: where the rules hold (a Role's, a RoleBinding's); undefined for cluster-wide.
 */
export function readRules(
  rules: RoleRules,
  roleName: string,
  namespace?: string,
): { privileges: string[]; wide: string[] } {
  if (rules === "aggregated")
    return { privileges: [], wide: [`the role ${roleName}, whose rules are aggregated from other roles`] };
  const privileges: string[] = [];
  const wide = new Set<string>();
  for (const rule of rules) {
    for (const verb of rule.verbs) {
      const lower = verb.toLowerCase();
      if (ESCALATING_VERBS.has(lower)) wide.add(`the verb ${verb} (in ${roleName})`);
      for (const group of rule.apiGroups.length > 0 ? rule.apiGroups : [""])
        for (const resource of rule.resources) {
          // A "*" resource (or "*/token") is a wildcard privilege already.
          privileges.push(`${verb} ${group === "" ? "" : `${group}/`}${resource}`);
          for (const what of reaching(resource, lower, namespace)) wide.add(`${what} (in ${roleName})`);
        }
      // Non-resource URLs are read as privileges too (a "*" in one is a wildcard).
      for (const url of rule.nonResourceURLs ?? []) {
        privileges.push(`${verb} ${url}`);
        if (url === "*" || url === "/*") wide.add(`every non-resource URL (in ${roleName})`);
      }
    }
  }
  return { privileges, wide: [...wide] };
}

/** What in {@link REACHING_RESOURCES} a verb on a resource reaches (without case). */
function reaching(resource: string, verb: string, namespace: string | undefined): string[] {
  const name = resource.toLowerCase();
  return REACHING_RESOURCES.filter(
    (entry) =>
      (name === entry.resource || (!entry.exact && name.startsWith(`${entry.resource}/`))) &&
      (entry.verbs === undefined || verb === "*" || entry.verbs.has(verb)) &&
      (entry.onlyIn === undefined || namespace === undefined || namespace.trim() === entry.onlyIn),
  ).map((entry) => entry.what);
}

/** The rules of a built-in cluster role that matter to scope; undefined for any other name. */
export function builtInRules(name: string): readonly RbacRule[] | undefined {
  return Object.hasOwn(BUILT_IN_ROLES, name) ? BUILT_IN_ROLES[name] : undefined;
}

/**
 * Whether a role is one of Kubernetes' own `system:` roles (system:node, system:aggregate-to-edit,
 * the controllers'). Their rules are not read, and many reach every secret, node or token: a
 * binding to one the plan does not define is too wide.
 */
export function systemRole(name: string): boolean {
  return name.trim().toLowerCase().startsWith("system:");
}

/** The built-in user-facing cluster roles, besides the `system:` ones. */
const BUILT_IN_NAMES: ReadonlySet<string> = new Set(["cluster-admin", "admin", "edit", "view"]);

/**
 * Whether a role's name is one Kubernetes keeps for its own roles: the ClusterRoles
 * cluster-admin, admin, edit and view, and any `system:` role. The API server reconciles
 * their rules back at start (and aggregation refills admin, edit and view), so a plan that
 * defines one does not decide what binding it grants: it is refused, and a binding to it is
 * read as the built-in role.
 */
export function reservedRoleName(kind: string, name: string): boolean {
  return systemRole(name) || (kind === "ClusterRole" && BUILT_IN_NAMES.has(name.trim()));
}

/** Subjects that are everyone or a whole class of identities, described for messages. */
export function wideSubjects(subjects: readonly { kind: string; name: string }[]): string[] {
  return subjects.flatMap((subject) => {
    const what = subjectClass(subject.kind, subject.name);
    return what === undefined ? [] : [`the subject ${subject.kind} ${subject.name} (${what})`];
  });
}

function subjectClass(kind: string, name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  if (EVERYONE.has(lower)) return "everyone";
  const found = CLASS_SUBJECTS.find(([pattern]) => pattern.test(lower));
  if (found) return found[1];
  if (kind.trim().toLowerCase() === "group" && lower.startsWith("system:"))
    return "a group Kubernetes fills itself";
  return undefined;
}

/** kubectl_manifest's YAML text as plain values; undefined when it is not one readable document. */
function yamlBody(body: unknown): unknown {
  if (typeof body !== "string") return undefined;
  // YAML 1.1, as kubectl reads it: `<<` merge keys apply (a kind or roleRef merged in counts).
  const document = parseDocument(body, { version: "1.1" });
  if (document.errors.length > 0) return undefined;
  const value = yamlValue(document);
  return value.ok ? value.value : undefined;
}

/** A plain object (not a list): what one manifest is. */
function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
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
