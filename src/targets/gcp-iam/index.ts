import type { TargetModule } from "../target-module.js";
import { GcpIamBinding, type GcpIamBindingProps } from "./binding.js";
import { gcpIamReaders } from "./plan-readers.js";

/** GCP IAM: a conditional member per grant; no check beyond the re-plan. */
export const gcpIamTarget: TargetModule<GcpIamBindingProps> = {
  kind: "gcp-iam",
  binding: (props) => new GcpIamBinding(props),
  readers: gcpIamReaders,
  check: null,
};

export { GcpIamBinding, type GcpIamBindingProps } from "./binding.js";
