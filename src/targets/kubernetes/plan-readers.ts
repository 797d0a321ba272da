import { EMPTY_SCOPE, withWide } from "../scope-values.js";
import { relationEntry, relationIndex, type RelationHooks } from "../relation-hooks.js";
import { NO_READERS, type GrantedScope, type PlanReaders, type ScopeContext } from "../target-module.js";
import {
  awsAuthName,
  awsAuthWide,
  builtInRules,
  manifestContent,
  manifestObject,
  rbacObject,
  readRules,
  reservedRoleName,
  roleKey,
  SERVICE_ACCOUNT_TOKEN,
  systemRole,
  wideSubjects,
  type RbacObject,
  type RoleRules,
} from "./rbac.js";

/** The plan's roles and cluster roles by {@link roleKey}: a binding is as wide as the role it binds. */
const ROLES = relationIndex<RoleRules>("kubernetes roles by role key");

/** Types that can hold a role: the provider's role resources and the manifests. */
const ROLE_HOLDERS = new Set([
  "kubernetes_role",
  "kubernetes_role_v1",
  "kubernetes_cluster_role",
  "kubernetes_cluster_role_v1",
  "kubernetes_manifest",
  "kubectl_manifest",
]);

/** Roles are referred to by the bindings that bind them, by kind, namespace and name. */
const kubernetesRelations: RelationHooks = {
  referable: (type) => ROLE_HOLDERS.has(type),
  entries(type, _address, values) {
    const object = values === null ? undefined : rbacObject(type, values);
    return object && (object.kind === "Role" || object.kind === "ClusterRole")
      ? [relationEntry(ROLES, roleKey(object.kind, object.namespace, object.name), object.rules)]
      : [];
  },
  references: {},
};

/** The provider's Secret types: privileged when they hold a service account's token. */
const SECRET_TYPES = new Set(["kubernetes_secret", "kubernetes_secret_v1"]);

/**
 * Whether a `kubernetes_labels` may aggregate a role into another: a ClusterRole labelled
 * `…/aggregate-to-…` has its rules added to every role that selects it (the built-in admin,
 * edit and view do). A kind or labels unknown at plan time could be one.
 */
function aggregatesRoles(values: Record<string, unknown>): boolean {
  if (typeof values.kind !== "string" || typeof values.labels !== "object" || values.labels === null)
    return true;
  return (
    values.kind === "ClusterRole" && Object.keys(values.labels).some((key) => key.includes("aggregate-to"))
  );
}

/** The provider's ConfigMap types: privileged when they are EKS's aws-auth. */
const CONFIG_MAP_TYPES = new Set([
  "kubernetes_config_map",
  "kubernetes_config_map_v1",
  "kubernetes_config_map_v1_data",
]);

/** The provider's admission webhooks: each sees, refuses or rewrites every object it matches. */
const WEBHOOK_TYPES = [
  "kubernetes_mutating_webhook_configuration",
  "kubernetes_mutating_webhook_configuration_v1",
  "kubernetes_validating_webhook_configuration",
  "kubernetes_validating_webhook_configuration_v1",
];

const ADMISSION_WIDE =
  "an admission webhook or policy, which sees, refuses or rewrites every object it matches";

/**
 * Whether a provider ConfigMap is (or may be) aws-auth in kube-system: by its metadata, or a
 * name or namespace known only after apply.
 */
function awsAuthConfigMap(values: Record<string, unknown>, unknown: readonly string[]): boolean {
  const metadata = Array.isArray(values.metadata) ? values.metadata[0] : values.metadata;
  const fields =
    typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : {};
  return (
    awsAuthName(fields.name, fields.namespace) ||
    unknown.some((path) => /^metadata(?:\[0\](?:\.name|\.namespace)?)?$/.test(path))
  );
}

/** The provider's certificate requests: with `auto_approve` (its default), a certificate the plan issues. */
const CSR_TYPES = new Set([
  "kubernetes_certificate_signing_request",
  "kubernetes_certificate_signing_request_v1",
]);

/**
 * Kubernetes RBAC in a plan: roles read for their rules, bindings as wide as the role they
 * bind (from the same plan, or a built-in cluster role). RBAC has no expiry of its own, and
 * no credential.
 */
export const kubernetesReaders: PlanReaders = {
  ...NO_READERS,
  reads: (type) => type.startsWith("kubernetes_") || type === "kubectl_manifest",
  // Role bindings and roles, and what mints a credential: a token request, a certificate
  // request. By content: manifests holding RBAC objects or credentials (or whose kind is
  // unknown), Secrets holding a service account's token.
  privilegedTypes: [
    "kubernetes_*role_binding*",
    "kubernetes_role",
    "kubernetes_role_v1",
    "kubernetes_cluster_role",
    "kubernetes_cluster_role_v1",
    "kubernetes_token_request_v1",
    "kubernetes_certificate_signing_request",
    "kubernetes_certificate_signing_request_v1",
    ...WEBHOOK_TYPES,
  ],
  privilegedByContent(type, values, unknown) {
    const content = manifestContent(type, values, unknown);
    if (content !== undefined) return content !== "other";
    if (type === "kubernetes_labels") return aggregatesRoles(values);
    if (CONFIG_MAP_TYPES.has(type)) return awsAuthConfigMap(values, unknown);
    // The provider writes the default type ("Opaque"): one missing is unknown at plan time.
    if (SECRET_TYPES.has(type))
      return typeof values.type !== "string" || values.type === SERVICE_ACCOUNT_TOKEN;
    return false;
  },
  scope(type, values, context) {
    const rbac = rbacObject(type, values);
    if (rbac) return kubernetesScope(rbac, context);
    const content = manifestContent(type, values);
    if (content === "rbac") return withWide(EMPTY_SCOPE, ["an RBAC object tempgrant cannot read"]);
    if (content === "admission") return withWide(EMPTY_SCOPE, [ADMISSION_WIDE]);
    if (content === "aws-auth") return withWide(EMPTY_SCOPE, awsAuthWide(manifestObject(type, values)?.data));
    if (WEBHOOK_TYPES.includes(type)) return withWide(EMPTY_SCOPE, [ADMISSION_WIDE]);
    if (CONFIG_MAP_TYPES.has(type) && awsAuthConfigMap(values, []))
      return withWide(EMPTY_SCOPE, awsAuthWide(values.data));
    if (content === "unreadable")
      return withWide(EMPTY_SCOPE, [
        "a manifest tempgrant cannot read (its body or kind unknown at plan time, or not one object)",
      ]);
    if (type === "kubernetes_labels" && aggregatesRoles(values))
      return withWide(EMPTY_SCOPE, [
        "an aggregation label on a role, which adds its rules to the built-in admin, edit or view",
      ]);
    // Neither is revoked by destroying the resource: the token or certificate lives on.
    if (type === "kubernetes_token_request_v1")
      return withWide(EMPTY_SCOPE, ["a service account token that destroying it does not revoke"]);
    if (CSR_TYPES.has(type) && values.auto_approve !== false)
      return withWide(EMPTY_SCOPE, ["a certificate the plan approves (auto_approve), which nothing revokes"]);
    return undefined;
  },
  relations: kubernetesRelations,
  // A binding's subjects by name, as the binding writes the principal (a User named so). A
  // Group or ServiceAccount is not one person: it passes only when named as the principal.
  grantees(type, values) {
    const object = rbacObject(type, values);
    return object && "subjects" in object ? object.subjects.map((subject) => subject.name) : undefined;
  },
};

function kubernetesScope(object: RbacObject, context: ScopeContext | undefined): GrantedScope {
  if ("rules" in object) {
    // A ClusterRole's rules hold wherever it is bound: cluster-wide for the reading.
    const where = object.kind === "Role" ? namedNamespace(object.namespace) : undefined;
    const { privileges, wide } = readRules(object.rules, object.name, where);
    // Kubernetes puts its own rules back into a role of a name it keeps (reconciliation, aggregation).
    if (reservedRoleName(object.kind, object.name))
      wide.push(
        `the ${object.kind} ${object.name}, a name Kubernetes keeps for a built-in role whose rules it restores`,
      );
    return withWide({ privileges, roles: [], flags: [] }, wide);
  }
  const wide = wideSubjects(object.subjects);
  const key = roleKey(object.roleKind, object.namespace, object.roleName);
  // A role of a name Kubernetes keeps is the built-in one, whatever the plan defines under it.
  const rules = reservedRoleName(object.roleKind, object.roleName)
    ? object.roleKind === "ClusterRole"
      ? builtInRules(object.roleName)
      : undefined
    : (context?.relations.value(ROLES, key) ??
      (object.roleKind === "ClusterRole" ? builtInRules(object.roleName) : undefined));
  const where = object.kind === "RoleBinding" ? namedNamespace(object.namespace) : undefined;
  const read = rules === undefined ? { privileges: [], wide: [] } : readRules(rules, object.roleName, where);
  // Kubernetes' own roles the plan does not define are not read: too wide, not judged by name.
  if (rules === undefined && systemRole(object.roleName))
    wide.push(`the built-in role ${object.roleName}, whose rules tempgrant does not read`);
  return withWide({ privileges: read.privileges, roles: [object.roleName], flags: [] }, [
    ...wide,
    ...read.wide,
  ]);
}

/**
 * A namespace the object names, or undefined when it names none: a manifest without one lands
 * in whatever namespace the kubeconfig says (kube-system too), so it is read as anywhere.
 */
function namedNamespace(namespace: string): string | undefined {
  return namespace.trim() === "" ? undefined : namespace;
}
