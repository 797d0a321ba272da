import { EMPTY_SCOPE, withWide } from "../scope-values.js";
import type { GrantedScope, PlanReaders, ScopeContext } from "../target-module.js";
import {
  builtInRules,
  everyoneSubjects,
  isRbacManifest,
  rbacObject,
  readRules,
  roleKey,
  type RbacObject,
} from "./rbac.js";

/**
 * Kubernetes RBAC in a plan: roles read for their rules, bindings as wide as the role they
 * bind (from the same plan, or a built-in cluster role). RBAC has no expiry of its own.
 */
export const kubernetesReaders: PlanReaders = {
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
  scopeAttributes: () => [],
  nativeExpiry: () => undefined,
  expiryBearing: () => false,
  expiryAttributes: () => [],
  credentialAttributes: {},
};

function kubernetesScope(object: RbacObject, context: ScopeContext | undefined): GrantedScope {
  if ("rules" in object) {
    const { privileges, wide } = readRules(object.rules, object.name);
    return withWide({ privileges, roles: [], flags: [] }, wide);
  }
  const wide = everyoneSubjects(object.subjects);
  const key = roleKey(object.roleKind, object.namespace, object.roleName);
  const rules =
    context?.relations.role(key) ??
    (object.roleKind === "ClusterRole" ? builtInRules(object.roleName) : undefined);
  const read = rules === undefined ? { privileges: [], wide: [] } : readRules(rules, object.roleName);
  return withWide({ privileges: read.privileges, roles: [object.roleName], flags: [] }, [
    ...wide,
    ...read.wide,
  ]);
}
