import { strings, withWide } from "../scope-values.js";
import {
  addressWithoutInstanceKey,
  relationEntry,
  relationIndex,
  type ConfigReference,
  type RelationHooks,
} from "../relation-hooks.js";
import type { GrantedScope, PlanReaders, ScopeContext } from "../target-module.js";
import { readAwsPolicy } from "./policy-document.js";

/** AWS types holding policy documents (JSON text), and the attributes that hold them. */
const AWS_DOCUMENTS: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy: ["policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_user_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_iam_role: ["assume_role_policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_ssoadmin_permission_set_inline_policy: ["inline_policy"],
};

/** AWS types that attach managed policies by ARN, and the attributes that hold the ARNs. */
const AWS_ATTACHMENTS: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role_policy_attachment: ["policy_arn"],
  aws_iam_user_policy_attachment: ["policy_arn"],
  aws_iam_group_policy_attachment: ["policy_arn"],
  aws_iam_policy_attachment: ["policy_arn"],
  aws_iam_role: ["managed_policy_arns"],
  aws_iam_role_policy_attachments_exclusive: ["policy_arns"],
  aws_iam_user_policy_attachments_exclusive: ["policy_arns"],
  aws_iam_group_policy_attachments_exclusive: ["policy_arns"],
  aws_ssoadmin_managed_policy_attachment: ["managed_policy_arn"],
};

/** AWS policy types whose document tempgrant reads an expiry from: managed and inline policies. */
const AWS_POLICY_TYPES = new Set([
  "aws_iam_policy",
  "aws_iam_role_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
]);

/** The plan's AWS managed policies by their known ARN, and by address without instance key. */
const POLICIES_BY_ARN = relationIndex("aws-iam policies by ARN");
const POLICIES_BY_ADDRESS = relationIndex("aws-iam policies by address");

/** An attachment may attach the ARN of a policy the same module instance creates (the AWS binding's). */
const POLICY_ARN_REFERENCE: ConfigReference = {
  attributes: [],
  type: "aws_iam_policy",
  attribute: "arn",
  byAddress: POLICIES_BY_ADDRESS,
};

/** Managed policies are referred to: by ARN in the planned values, by reference in the configuration. */
const awsIamRelations: RelationHooks = {
  referable: (type) => type === "aws_iam_policy",
  entries(_type, address, values) {
    const byAddress = relationEntry(POLICIES_BY_ADDRESS, addressWithoutInstanceKey(address), undefined);
    const arn = values?.arn;
    return typeof arn === "string"
      ? [relationEntry(POLICIES_BY_ARN, arn, undefined), byAddress]
      : [byAddress];
  },
  references: Object.fromEntries(
    Object.entries(AWS_ATTACHMENTS).map(([type, attributes]) => [
      type,
      { ...POLICY_ARN_REFERENCE, attributes },
    ]),
  ),
};

/**
 * AWS's resources in a plan: policy documents read as AWS evaluates them, attachments judged
 * by the policy they attach (the grant's own, in the same plan, or else too wide to allow).
 */
export const awsIamReaders: PlanReaders = {
  reads: (type) => type.startsWith("aws_"),
  privilegedTypes: [
    // IAM users, keys, login profiles, roles, policies and attachments; SSO; resource policies
    "aws_iam_*",
    "aws_ssoadmin_account_assignment",
    "aws_ssoadmin_*_attachment",
    "aws_ssoadmin_permission_set*",
    "aws_identitystore_group_membership",
    "aws_s3_bucket_policy",
    "aws_kms_grant",
    "aws_lakeformation_permissions",
  ],
  privilegedByContent: () => false,
  scope: awsScope,
  scopeAttributes: () => [],
  // The latest expiry over the Allow statements; none when one of them has none.
  nativeExpiry: (type, values) =>
    AWS_POLICY_TYPES.has(type) && typeof values.policy === "string"
      ? readAwsPolicy(values.policy).expiry
      : undefined,
  expiryBearing: (type) => AWS_POLICY_TYPES.has(type),
  expiryAttributes: () => [],
  credentialAttributes: {},
  relations: awsIamRelations,
};

function awsScope(
  type: string,
  values: Record<string, unknown>,
  context: ScopeContext | undefined,
): GrantedScope {
  const privileges: string[] = [];
  const wide: string[] = [];
  const documents = (AWS_DOCUMENTS[type] ?? []).map((attribute) => values[attribute]);
  if (type === "aws_iam_role" && Array.isArray(values.inline_policy))
    for (const inline of values.inline_policy)
      documents.push((inline as { policy?: unknown } | null)?.policy);
  for (const document of documents) {
    if (typeof document !== "string" || document === "") continue;
    const reading = readAwsPolicy(document);
    privileges.push(...reading.actions);
    wide.push(...reading.wide);
  }
  for (const attribute of AWS_ATTACHMENTS[type] ?? [])
    for (const arn of strings(values[attribute]))
      if (!context?.relations.heldFor(POLICIES_BY_ARN, arn, context.owner))
        wide.push(`the policy ${arn}, which this plan does not create for the grant`);
  if (type === "aws_ssoadmin_customer_managed_policy_attachment")
    wide.push("attaches a customer managed policy by name, which tempgrant cannot read");
  return withWide({ privileges, roles: [], flags: [] }, wide);
}
