import type { TargetModule } from "../target-module.js";
import { AwsIamBinding, type AwsIamBindingProps } from "./binding.js";
import { awsIamReaders } from "./plan-readers.js";

/** AWS IAM: a managed policy per grant with a time condition; no check beyond the re-plan. */
export const awsIamTarget: TargetModule<AwsIamBindingProps> = {
  kind: "aws-iam",
  binding: (props) => new AwsIamBinding(props),
  readers: awsIamReaders,
  check: null,
};

export { AwsIamBinding, type AwsAccessLevel, type AwsIamBindingProps } from "./binding.js";
