import { kubernetesTarget, type KubernetesBindingProps } from "../../targets/kubernetes/index.js";
import { BoundTarget } from "./target-binding.js";

/** Props of {@link KubernetesTarget}: the cluster's settings (src/targets/kubernetes/). */
export type KubernetesTargetProps = KubernetesBindingProps;

/** Temporary Kubernetes access: one RoleBinding (or ClusterRoleBinding) per grant; no native expiry. */
export class KubernetesTarget extends BoundTarget {
  constructor(props: KubernetesTargetProps) {
    super(kubernetesTarget.binding(props));
  }
}
