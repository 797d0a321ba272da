import { gcpIamTarget, type GcpIamBindingProps } from "../../targets/gcp-iam/index.js";
import { BoundTarget } from "./target-binding.js";

/** Props of {@link GcpIamTarget}: the project's settings (src/targets/gcp-iam/). */
export type GcpIamTargetProps = GcpIamBindingProps;

/** Temporary GCP access: one IAM member per grant, with a `request.time` condition. */
export class GcpIamTarget extends BoundTarget {
  constructor(props: GcpIamTargetProps) {
    super(gcpIamTarget.binding(props));
  }
}
