import { NO_READERS, type TargetModule } from "../target-module.js";
import { CustomBinding, type CustomBindingProps } from "./binding.js";

/**
 * Any Terraform resource as a target. Its types are whatever the user writes, so it reads
 * nothing back itself: plan/ reads them with its generic rules, and privilegedTypes in
 * tempgrant.yaml is where a custom type is made privileged.
 */
export const customTarget: TargetModule<CustomBindingProps> = {
  kind: "custom",
  binding: (props) => new CustomBinding(props),
  readers: NO_READERS,
  check: null,
};

export { CustomBinding, type CustomBindingProps, type CustomResourceSpec } from "./binding.js";
