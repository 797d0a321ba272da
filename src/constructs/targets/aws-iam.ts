import { awsIamTarget, type AwsIamBindingProps } from "../../targets/aws-iam/index.js";
import { BoundTarget } from "./target-binding.js";

/** Props of {@link AwsIamTarget}: the account's settings (src/targets/aws-iam/). */
export type AwsIamTargetProps = AwsIamBindingProps;

/** Temporary AWS access: one managed policy per grant, with a time condition, attached to the principal. */
export class AwsIamTarget extends BoundTarget {
  constructor(props: AwsIamTargetProps) {
    super(awsIamTarget.binding(props));
  }
}
