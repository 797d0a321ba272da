import { EMPTY_SCOPE, withWide } from "../scope-values.js";
import { relationEntry, relationIndex, type RelationHooks } from "../relation-hooks.js";
import { NO_READERS, type GrantedScope, type PlanReaders, type ScopeContext } from "../target-module.js";
import {
  builtInRules,
  everyoneSubjects,
  isRbacManifest,
  rbacObject,
  readRules,
  roleKey,
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

/**
 * Kubernetes RBAC in a plan: roles read for their rules, bindings as wide as the role they
 * bind (from the same plan, or a built-in cluster role). RBAC has no expiry of its own, and
 * no credential.
 */
export const kubernetesReaders: PlanReaders = {
  ...NO_READERS,
  reads: (type) => type.startsWith("kubernetes_") || type === "kubectl_manifest",
  // Role bindings and roles; kubernetes_manifest / kubectl_manifest holding RBAC objects, by content
  privilegedTypes: [
    "kubernetes_*role_binding*",
    "kubernetes_role",
    "kubernetes_role_v1",
    "kubernetes_cluster_role",
    "kubernetes_cluster_role_v1",
  ],
  privilegedByContent: (type, values) =>
    (type === "kubernetes_manifest" || type === "kubectl_manifest") && isRbacManifest(type, values),
  scope(type, values, context) {
    const rbac = rbacObject(type, values);
    if (rbac) return kubernetesScope(rbac, context);
    if (isRbacManifest(type, values)) return withWide(EMPTY_SCOPE, ["an RBAC object tempgrant cannot read"]);
    return undefined;
  },
  relations: kubernetesRelations,
};

function kubernetesScope(object: RbacObject, context: ScopeContext | undefined): GrantedScope {
  if ("rules" in object) {
    const { privileges, wide } = readRules(object.rules, object.name);
    return withWide({ privileges, roles: [], flags: [] }, wide);
  }
  const wide = everyoneSubjects(object.subjects);
  const key = roleKey(object.roleKind, object.namespace, object.roleName);
  const rules =
    context?.relations.value(ROLES, key) ??
    (object.roleKind === "ClusterRole" ? builtInRules(object.roleName) : undefined);
  const read = rules === undefined ? { privileges: [], wide: [] } : readRules(rules, object.roleName);
  return withWide({ privileges: read.privileges, roles: [object.roleName], flags: [] }, [
    ...wide,
    ...read.wide,
  ]);
}
