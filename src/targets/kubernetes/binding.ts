import { formatTimestamp } from "../../grant/time.js";
import { resourceName } from "../naming.js";
import { accessLevelBinding } from "../target-module.js";

/** The existing role an access level binds to. */
export interface KubernetesRoleRef {
  readonly kind: "Role" | "ClusterRole";
  readonly name: string;
}

/** Settings of one Kubernetes cluster (or namespace) as a target. */
export interface KubernetesBindingProps {
  readonly name: string;
  /** Namespace of the RoleBinding; without one, a ClusterRoleBinding is created. */
  readonly namespace?: string;
  /** Access level -> the role it binds. */
  readonly roles: Readonly<Record<string, KubernetesRoleRef>>;
}

/**
 * Temporary Kubernetes access: one RoleBinding (or ClusterRoleBinding) per grant.
 * Kubernetes RBAC has no native expiry, so the scheduled sweep is the only lock; the
 * expiry is written into an annotation for people and audits, not enforced by the cluster.
 */
export const KubernetesBinding = accessLevelBinding("kubernetes", {
  nativeExpiry: false,
  levels: (props: KubernetesBindingProps) => props.roles,
  resources(props, grant, role) {
    const namespaced = props.namespace !== undefined;
    return [
      {
        part: "binding",
        type: namespaced ? "kubernetes_role_binding_v1" : "kubernetes_cluster_role_binding_v1",
        name: resourceName(grant.id),
        attributes: {
          metadata: {
            name: `tempgrant-${grant.id}`,
            ...(namespaced ? { namespace: props.namespace } : {}),
            labels: { "app.kubernetes.io/managed-by": "tempgrant", "tempgrant/grant": grant.id },
            annotations: {
              "tempgrant/expires-at": formatTimestamp(grant.expiresAt),
              "tempgrant/reason": grant.reason,
            },
          },
          role_ref: { api_group: "rbac.authorization.k8s.io", kind: role?.kind, name: role?.name },
          subject: [{ kind: "User", name: grant.principal, api_group: "rbac.authorization.k8s.io" }],
        },
      },
    ];
  },
});
export type KubernetesBinding = InstanceType<typeof KubernetesBinding>;
