import type { TargetModule } from "../target-module.js";
import { KubernetesBinding, type KubernetesBindingProps } from "./binding.js";
import { kubernetesReaders } from "./plan-readers.js";

/** Kubernetes: a RoleBinding per grant, no native expiry; no check beyond the re-plan. */
export const kubernetesTarget: TargetModule<KubernetesBindingProps> = {
  kind: "kubernetes",
  binding: (props) => new KubernetesBinding(props),
  readers: kubernetesReaders,
  check: null,
};

export { KubernetesBinding, type KubernetesBindingProps, type KubernetesRoleRef } from "./binding.js";
export { rbacObject, roleKey, type RoleRules } from "./rbac.js";
