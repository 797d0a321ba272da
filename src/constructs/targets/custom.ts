import { customTarget, type CustomBindingProps } from "../../targets/custom/index.js";
import { BoundTarget } from "./target-binding.js";

/** Props of {@link CustomTarget}: the resources a grant needs (src/targets/custom/). */
export type CustomTargetProps = CustomBindingProps;

/** Wraps any Terraform resource as a grant target: the escape hatch for systems without a binding. */
export class CustomTarget extends BoundTarget {
  constructor(props: CustomTargetProps) {
    super(customTarget.binding(props));
  }
}
