import { isPathIn, strings, withWide } from "../scope-values.js";
import {
  addressWithoutInstanceKey,
  relationEntry,
  relationIndex,
  type ConfigReference,
  type RelationHooks,
} from "../relation-hooks.js";
import type { GrantedScope, PlanReaders, ScopeContext } from "../target-module.js";
import { readAwsPolicy } from "./policy-document.js";

/**
 * AWS types holding policy documents (JSON text), and the attributes that hold them
 * (`block.attribute`: in each element of a block list).
 */
const AWS_DOCUMENTS: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy: ["policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_user_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_iam_role: ["assume_role_policy"],
  aws_ssoadmin_permission_set_inline_policy: ["inline_policy"],
  // Resource-based policies: they give access to whom they name, without IAM.
  aws_s3_bucket_policy: ["policy"],
  aws_s3_access_point: ["policy"],
  aws_kms_key: ["policy"],
  aws_kms_key_policy: ["policy"],
  aws_secretsmanager_resource_policy: ["policy"],
  aws_sqs_queue_policy: ["policy"],
  aws_sns_topic_policy: ["policy"],
  aws_ecr_repository_policy: ["policy"],
  aws_glue_resource_policy: ["policy"],
  aws_opensearch_domain_policy: ["access_policies"],
  aws_elasticsearch_domain_policy: ["access_policies"],
  aws_efs_file_system_policy: ["policy"],
  aws_backup_vault_policy: ["policy"],
  aws_dynamodb_resource_policy: ["policy"],
  aws_ecr_registry_policy: ["policy"],
  aws_api_gateway_rest_api_policy: ["policy"],
  aws_cloudwatch_log_resource_policy: ["policy_document"],
  aws_kinesis_resource_policy: ["policy"],
  aws_cloudwatch_event_bus_policy: ["policy"],
  aws_ses_identity_policy: ["policy"],
  aws_sesv2_email_identity_policy: ["policy"],
  aws_s3control_access_point_policy: ["policy"],
  aws_s3control_bucket_policy: ["policy"],
  aws_s3control_multi_region_access_point_policy: ["details.policy"],
  aws_s3control_object_lambda_access_point_policy: ["policy"],
  aws_codeartifact_domain_permissions_policy: ["policy_document"],
  aws_codeartifact_repository_permissions_policy: ["policy_document"],
  // An IoT policy names no principal: it gives what it allows to the certificates it is
  // attached to (aws_iot_policy_attachment), read like an IAM policy.
  aws_iot_policy: ["policy"],
  // Resources holding their resource policy inline: privileged by what it names, see
  // INLINE_RESOURCE_POLICIES.
  aws_sqs_queue: ["policy"],
  aws_sns_topic: ["policy"],
  aws_secretsmanager_secret: ["policy"],
  aws_s3_bucket: ["policy"],
  aws_glacier_vault: ["access_policy"],
};

/**
 * Resources whose resource policy is one attribute of their own (and KMS key policies), and
 * that attribute. Not privileged by type: every queue, topic, bucket and key has such a
 * policy, and one naming only account roots and AWS services leaves access to IAM, which is
 * checked. One naming anyone else, or that cannot be read, or known only after apply, gives
 * access by itself: then the resource is privileged (see privilegedByContent). The policy
 * can only address its own resource: `Resource "*"` there means that resource.
 */
const INLINE_RESOURCE_POLICIES: Readonly<Record<string, string>> = {
  aws_kms_key: "policy",
  aws_kms_key_policy: "policy",
  aws_sqs_queue: "policy",
  aws_sns_topic: "policy",
  aws_secretsmanager_secret: "policy",
  aws_s3_bucket: "policy",
  aws_glacier_vault: "access_policy",
};

/**
 * S3 objects, whose own ACL (or a copy's grants) can make them public. Not privileged by type:
 * most plans hold plain objects; a public ACL, or one known only after apply, is.
 */
const S3_OBJECTS = new Set(["aws_s3_object", "aws_s3_bucket_object", "aws_s3_object_copy"]);

/** Snapshots shared with other accounts by a list of account ids (`all`: public). */
const SHARED_SNAPSHOTS = new Set(["aws_db_snapshot", "aws_db_cluster_snapshot"]);

/**
 * An SSM document's sharing (`permissions {type = "Share", account_ids = "1,2"}`, `All`: every
 * AWS account): the account ids it is shared with, split as the provider splits them.
 */
function ssmDocumentAccounts(values: Record<string, unknown>): string[] {
  const permissions = values.permissions as { account_ids?: unknown } | null | undefined;
  if (typeof permissions !== "object" || permissions === null) return [];
  return strings(permissions.account_ids)
    .flatMap((ids) => ids.split(","))
    .filter((id) => id.trim() !== "");
}

/** Whether an SSM document is shared with any account (or its sharing is known only after apply). */
function ssmDocumentShared(values: Record<string, unknown>, unknown: readonly string[]): boolean {
  return unknownAt(unknown, "permissions") || ssmDocumentAccounts(values).length > 0;
}

/** Whether an endpoint service lets any principal connect (or its list is known only after apply). */
function endpointServiceShared(values: Record<string, unknown>, unknown: readonly string[]): boolean {
  return unknownAt(unknown, "allowed_principals") || strings(values.allowed_principals).length > 0;
}

/** A principal allowed to connect to an endpoint service that is anyone, or a wildcard. */
function endpointPrincipalWide(principal: string): string | undefined {
  const value = principal.trim();
  if (value === "*") return 'the principal "*" (every AWS account may connect)';
  return /[*?]/.test(value) ? `the principal "${value}"` : undefined;
}

/**
 * Organization policies (SCPs, RCPs, ...) and their attachments: writing, replacing or
 * detaching one changes what every account under its targets may do, which no grant narrows.
 * Too wide whatever they hold; `scope.allow` is the reviewed way past.
 */
const ORGANIZATION_POLICIES: Readonly<Record<string, string>> = {
  aws_organizations_policy:
    "an organization policy, which bounds what every account it is attached to may do",
  aws_organizations_policy_attachment:
    "an organization policy attachment, which bounds what every account under its target may do",
};

/** A RAM principal that is a whole organization or organizational unit: every account in it. */
const ORGANIZATION_PRINCIPAL = /^arn:[^:]*:organizations::[^:]*:(organization|ou)\//;

/** EKS access policies that make their holder an administrator (of the cluster, or of namespaces). */
const EKS_ADMIN_POLICIES = new Set(["amazoneksclusteradminpolicy", "amazoneksadminpolicy"]);

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

/**
 * AWS policy types whose document tempgrant reads an expiry from, and the attribute holding
 * it: managed and inline policies, SSO inline policies (a role's inline blocks: see
 * {@link expiringDocuments}). Any of them lets a person act until its condition ends.
 */
const AWS_POLICY_TYPES: Readonly<Record<string, string>> = {
  aws_iam_policy: "policy",
  aws_iam_role_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
  aws_ssoadmin_permission_set_inline_policy: "inline_policy",
};

/** The plan's AWS managed policies by their known ARN, and by address without instance key. */
const POLICIES_BY_ARN = relationIndex("aws-iam policies by ARN");
const POLICIES_BY_ADDRESS = relationIndex("aws-iam policies by address");
/** The plan's IAM groups by name: a membership is in scope only in a group of its grant. */
const GROUPS_BY_NAME = relationIndex("aws-iam groups by name");
/** The plan's SSO permission sets by known ARN (holding their name) and by address. */
const PERMISSION_SETS_BY_ARN = relationIndex<string | undefined>("aws-iam permission sets by ARN");
const PERMISSION_SETS_BY_ADDRESS = relationIndex("aws-iam permission sets by address");
/** The plan's IoT policies by name: an attachment is in scope only of a policy of its grant. */
const IOT_POLICIES_BY_NAME = relationIndex("aws-iam IoT policies by name");

/** An attachment may attach the ARN of a policy the same module instance creates (the AWS binding's). */
const POLICY_ARN_REFERENCE: ConfigReference = {
  attributes: [],
  type: "aws_iam_policy",
  attribute: "arn",
  byAddress: POLICIES_BY_ADDRESS,
};

/** An account assignment may assign a permission set the same module instance creates. */
const PERMISSION_SET_REFERENCE: ConfigReference = {
  attributes: ["permission_set_arn"],
  type: "aws_ssoadmin_permission_set",
  attribute: "arn",
  byAddress: PERMISSION_SETS_BY_ADDRESS,
};

/**
 * Managed policies, groups and permission sets are referred to: by ARN or name in the planned
 * values, by reference in the configuration. Only those the plan writes count: a grant that
 * lists an imported or unchanged `aws_iam_policy` (AdministratorAccess) did not make it.
 */
const awsIamRelations: RelationHooks = {
  referable: (type) =>
    type === "aws_iam_policy" ||
    type === "aws_iam_group" ||
    type === "aws_ssoadmin_permission_set" ||
    type === "aws_iot_policy",
  writtenOnly: true,
  entries(type, address, values) {
    const arn = values?.arn;
    if (type === "aws_iam_group" || type === "aws_iot_policy") {
      const index = type === "aws_iam_group" ? GROUPS_BY_NAME : IOT_POLICIES_BY_NAME;
      return typeof values?.name === "string" ? [relationEntry(index, values.name, undefined)] : [];
    }
    if (type === "aws_ssoadmin_permission_set") {
      const name = typeof values?.name === "string" ? values.name : undefined;
      const byAddress = relationEntry(
        PERMISSION_SETS_BY_ADDRESS,
        addressWithoutInstanceKey(address),
        undefined,
      );
      return typeof arn === "string"
        ? [relationEntry(PERMISSION_SETS_BY_ARN, arn, name), byAddress]
        : [byAddress];
    }
    const byAddress = relationEntry(POLICIES_BY_ADDRESS, addressWithoutInstanceKey(address), undefined);
    // An AWS managed policy (account "aws") is never one a plan creates, whatever it claims.
    if (typeof arn === "string" && /^arn:[^:]*:iam::aws:/.test(arn)) return [];
    return typeof arn === "string"
      ? [relationEntry(POLICIES_BY_ARN, arn, undefined), byAddress]
      : [byAddress];
  },
  references: {
    ...Object.fromEntries(
      Object.entries(AWS_ATTACHMENTS).map(([type, attributes]) => [
        type,
        { ...POLICY_ARN_REFERENCE, attributes },
      ]),
    ),
    aws_ssoadmin_account_assignment: PERMISSION_SET_REFERENCE,
  },
};

/** Canned ACLs that let anyone (or any AWS account) in. */
const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);

/** Whether `attribute` (or a part of it, or the whole value) is known only after apply. */
function unknownAt(unknown: readonly string[], attribute: string): boolean {
  return unknown.some((path) => path === "*" || isPathIn(path, attribute));
}

/**
 * Whether an inline resource policy (a key policy) gives access by itself: it names someone
 * but account roots (which leave access to IAM, itself checked) and AWS services, or cannot be
 * read, or is known only after apply (it could name anyone). Absent or empty, the resource
 * keeps the default policy AWS gives it: the account's. See privilegedByContent.
 */
function inlinePolicyGivesAccess(
  values: Record<string, unknown>,
  attribute: string,
  unknown: readonly string[],
): boolean {
  const policy = values[attribute];
  if (typeof policy !== "string")
    return unknownAt(unknown, attribute) || (policy !== undefined && policy !== null);
  if (policy === "") return false;
  const reading = readAwsPolicy(policy, { resourceIsSelf: true });
  return (
    reading.wide.length > 0 ||
    reading.principals.some(
      (principal) =>
        !/^AWS:(\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$/.test(principal) &&
        !/^Service:[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal),
    )
  );
}

/** Whether a bucket's or object's own ACL (or grants) lets anyone in, or is known only after apply. */
function bucketAclGivesAccess(values: Record<string, unknown>, unknown: readonly string[]): boolean {
  return unknownAt(unknown, "acl") || unknownAt(unknown, "grant") || bucketAclWide(values).length > 0;
}

/** Whether a snapshot is shared with any account (or its list is known only after apply). */
function snapshotShared(values: Record<string, unknown>, unknown: readonly string[]): boolean {
  return unknownAt(unknown, "shared_accounts") || strings(values.shared_accounts).length > 0;
}

/**
 * The documents a resource's native expiry is read from; undefined when it bears none. A
 * role bears one only when it has inline policies: its trust policy gives no permissions.
 */
function expiringDocuments(type: string, values: Record<string, unknown>): unknown[] | undefined {
  const attribute = AWS_POLICY_TYPES[type];
  if (attribute !== undefined) return [values[attribute]];
  if (type !== "aws_iam_role" || !Array.isArray(values.inline_policy)) return undefined;
  const documents = values.inline_policy
    .map((inline) => (inline as { policy?: unknown } | null)?.policy)
    .filter((policy) => typeof policy === "string" && policy !== "");
  return documents.length > 0 ? documents : undefined;
}

/** The latest any of the documents allows until; undefined when one of them never stops. */
function documentsExpiry(documents: readonly unknown[]): number | undefined {
  let latest: number | undefined;
  for (const document of documents) {
    const expiry = typeof document === "string" ? readAwsPolicy(document).expiry : undefined;
    if (expiry === undefined) return undefined;
    latest = latest === undefined ? expiry : Math.max(latest, expiry);
  }
  return latest;
}

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
    "aws_s3_bucket_acl",
    "aws_s3_access_point",
    "aws_secretsmanager_resource_policy",
    "aws_sqs_queue_policy",
    "aws_sns_topic_policy",
    "aws_ecr_repository_policy",
    "aws_glue_resource_policy",
    "aws_opensearch_domain_policy",
    "aws_elasticsearch_domain_policy",
    "aws_efs_file_system_policy",
    "aws_backup_vault_policy",
    "aws_dynamodb_resource_policy",
    "aws_ecr_registry_policy",
    "aws_api_gateway_rest_api_policy",
    "aws_cloudwatch_log_resource_policy",
    "aws_kinesis_resource_policy",
    "aws_cloudwatch_event_bus_policy",
    // Images and snapshots shared with other accounts; EKS access to a cluster
    "aws_ami_launch_permission",
    "aws_ebs_snapshot_create_volume_permission",
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
    "aws_lambda_permission",
    "aws_kms_grant",
    "aws_lakeformation_permissions",
    "aws_ses_identity_policy",
    "aws_sesv2_email_identity_policy",
    "aws_s3control_access_point_policy",
    "aws_s3control_bucket_policy",
    "aws_s3control_multi_region_access_point_policy",
    "aws_s3control_object_lambda_access_point_policy",
    "aws_iot_policy",
    "aws_iot_policy_attachment",
    // Lambda layers, endpoint services and CodeArtifact domains and repositories shared with
    // other accounts (an endpoint service or SSM document by what it shares: see
    // privilegedByContent)
    "aws_lambda_layer_version_permission",
    "aws_vpc_endpoint_service_allowed_principal",
    "aws_codeartifact_domain_permissions_policy",
    "aws_codeartifact_repository_permissions_policy",
    // Resources shared with other accounts (RAM); organization policies (see ORGANIZATION_POLICIES)
    "aws_ram_principal_association",
    "aws_ram_resource_association",
    "aws_ram_resource_share",
    "aws_organizations_policy",
    "aws_organizations_policy_attachment",
  ],
  // Not aws_kms_key, aws_sqs_queue, aws_s3_bucket... by type: every one has a policy, and
  // the default one (the account root and AWS services) leaves access to IAM, which is
  // checked. A policy naming anyone else (a role, a user, "*"), or known only after apply, or
  // a public bucket ACL, a snapshot, SSM document or endpoint service shared with other
  // accounts gives access by itself: that
  // resource is privileged, whatever privilegedTypes says (and what is unknown is denied as
  // for any privileged resource).
  computedWhenUnset(type) {
    const attribute = INLINE_RESOURCE_POLICIES[type];
    // Attributes only, never a block such as `grant`: tofu leaves a dynamic block out of the
    // configuration, so "not configured" could not be told from "built at apply time".
    if (type === "aws_s3_bucket" || S3_OBJECTS.has(type)) return [...(attribute ? [attribute] : []), "acl"];
    if (SHARED_SNAPSHOTS.has(type)) return ["shared_accounts"];
    if (type === "aws_vpc_endpoint_service") return ["allowed_principals"];
    // Left out, a share gets the default managed permission of each resource type.
    if (type === "aws_ram_resource_share") return ["permission_arns"];
    return attribute === undefined ? [] : [attribute];
  },
  privilegedByContent(type, values, unknown) {
    const attribute = INLINE_RESOURCE_POLICIES[type];
    if (attribute !== undefined && inlinePolicyGivesAccess(values, attribute, unknown)) return true;
    if (type === "aws_s3_bucket" || S3_OBJECTS.has(type)) return bucketAclGivesAccess(values, unknown);
    if (SHARED_SNAPSHOTS.has(type)) return snapshotShared(values, unknown);
    if (type === "aws_ssm_document") return ssmDocumentShared(values, unknown);
    if (type === "aws_vpc_endpoint_service") return endpointServiceShared(values, unknown);
    // A function URL lets anyone on the internet invoke the function unless IAM authorizes it.
    if (type === "aws_lambda_function_url")
      return unknownAt(unknown, "authorization_type") || values.authorization_type !== "AWS_IAM";
    return false;
  },
  scope: awsScope,
  scopeAttributes: () => [],
  // The latest expiry over the Allow statements (and over a role's inline policies); none
  // when one of them has none.
  nativeExpiry: (type, values) => {
    const documents = expiringDocuments(type, values);
    return documents === undefined ? undefined : documentsExpiry(documents);
  },
  expiryBearing: (type, values) => expiringDocuments(type, values) !== undefined,
  expiryAttributes: () => [],
  credentialAttributes: {},
  relations: awsIamRelations,
  grantees(type, values) {
    const attributes = AWS_GRANTEES[type];
    if (attributes === undefined) return undefined;
    return Object.entries(attributes).flatMap(([attribute, kind]) =>
      strings(values[attribute]).map((name) => (kind === "group" ? `group:${name}` : name)),
    );
  },
};

/**
 * Types that give their access to IAM users, roles or groups by name, and the attributes
 * naming them. The AWS binding attaches its policy to the principal as a user or role of that
 * name. A group is never one person: its names keep a `group:` kind, which no IAM name holds.
 * SSO account assignments name their principal by an Identity Store id, which cannot be
 * compared with a name: not read here.
 */
const AWS_GRANTEES: Readonly<Record<string, Readonly<Record<string, "name" | "group">>>> = {
  aws_iam_user_policy_attachment: { user: "name" },
  aws_iam_role_policy_attachment: { role: "name" },
  aws_iam_group_policy_attachment: { group: "group" },
  aws_iam_policy_attachment: { users: "name", roles: "name", groups: "group" },
  aws_iam_user_policy_attachments_exclusive: { user_name: "name" },
  aws_iam_role_policy_attachments_exclusive: { role_name: "name" },
  aws_iam_group_policy_attachments_exclusive: { group_name: "group" },
  aws_iam_user_policy: { user: "name" },
  aws_iam_role_policy: { role: "name" },
  aws_iam_group_policy: { group: "group" },
  // A user joining groups gives the groups' access to the user; a group's members, to them.
  aws_iam_user_group_membership: { user: "name" },
  aws_iam_group_membership: { users: "name" },
};

function awsScope(
  type: string,
  values: Record<string, unknown>,
  context: ScopeContext | undefined,
): GrantedScope {
  const privileges: string[] = [];
  const wide: string[] = [];
  const documents = (AWS_DOCUMENTS[type] ?? []).flatMap((path) => valuesAt(values, path));
  if (type === "aws_iam_role" && Array.isArray(values.inline_policy))
    for (const inline of values.inline_policy)
      documents.push((inline as { policy?: unknown } | null)?.policy);
  const options = { resourceIsSelf: type in INLINE_RESOURCE_POLICIES };
  for (const document of documents) {
    if (typeof document !== "string" || document === "") continue;
    const reading = readAwsPolicy(document, options);
    privileges.push(...reading.actions);
    wide.push(...reading.wide);
  }
  for (const attribute of AWS_ATTACHMENTS[type] ?? [])
    for (const arn of strings(values[attribute]))
      if (!context?.relations.heldFor(POLICIES_BY_ARN, arn, context.owner))
        wide.push(`the policy ${arn}, which this plan does not create for the grant`);
  if (type === "aws_iot_policy_attachment")
    for (const name of strings(values.policy))
      if (!context?.relations.heldFor(IOT_POLICIES_BY_NAME, name, context.owner))
        wide.push(`the IoT policy ${name}, which this plan does not create for the grant`);
  if (type === "aws_ssoadmin_customer_managed_policy_attachment")
    wide.push("attaches a customer managed policy by name, which tempgrant cannot read");
  const roles: string[] = [];
  // A group gives what its policies give, read only when the grant makes the group; its name
  // is a role, so that scope.forbiddenRoles ("admin") apply.
  const groups =
    type === "aws_iam_user_group_membership"
      ? strings(values.groups)
      : type === "aws_iam_group_membership"
        ? strings(values.group)
        : [];
  for (const group of groups) {
    roles.push(group);
    if (!context?.relations.heldFor(GROUPS_BY_NAME, group, context.owner))
      wide.push(`the group ${group}, which this plan does not create for the grant`);
  }
  if (type === "aws_ssoadmin_account_assignment")
    for (const arn of strings(values.permission_set_arn)) {
      if (!context?.relations.heldFor(PERMISSION_SETS_BY_ARN, arn, context.owner))
        wide.push(`the permission set ${arn}, which this plan does not create for the grant`);
      const name = context?.relations.value(PERMISSION_SETS_BY_ARN, arn);
      if (name !== undefined) roles.push(name);
    }
  if (type === "aws_lambda_permission") {
    privileges.push(...strings(values.action));
    const principal = strings(values.principal)[0]?.trim();
    if (principal === "*") wide.push('Principal "*" (anyone)');
    else if (principal !== undefined && /[*?]/.test(principal)) wide.push(`Principal "${principal}"`);
    if (values.function_url_auth_type === "NONE")
      wide.push("a function URL anyone may call (function_url_auth_type NONE)");
  }
  if (type === "aws_lambda_function_url") {
    const authorization = values.authorization_type;
    if (typeof authorization === "string" && authorization !== "AWS_IAM")
      wide.push(`a function URL anyone on the internet may invoke (authorization_type ${authorization})`);
  }
  if (type === "aws_s3_bucket_acl" || type === "aws_s3_bucket" || S3_OBJECTS.has(type))
    wide.push(...bucketAclWide(values));
  const organizationPolicy = ORGANIZATION_POLICIES[type];
  if (organizationPolicy !== undefined) wide.push(organizationPolicy);
  if (type === "aws_ram_principal_association")
    for (const principal of strings(values.principal))
      if (ORGANIZATION_PRINCIPAL.test(principal.trim()))
        wide.push(`sharing with ${principal} (every account of an organization or organizational unit)`);
  if (type === "aws_ram_resource_share" && values.allow_external_principals === true)
    wide.push("allow_external_principals (sharing with accounts outside the organization)");
  if (
    SHARED_SNAPSHOTS.has(type) &&
    strings(values.shared_accounts).some((account) => account.trim() === "all")
  )
    wide.push('shared_accounts "all" (every AWS account)');
  if (
    type === "aws_ssm_document" &&
    ssmDocumentAccounts(values).some((account) => account.trim().toLowerCase() === "all")
  )
    wide.push('permissions account_ids "All" (every AWS account may run the document)');
  if (type === "aws_lambda_layer_version_permission") {
    privileges.push(...strings(values.action));
    const principal = strings(values.principal)[0]?.trim();
    const organization = strings(values.organization_id)[0]?.trim();
    if (organization !== undefined && organization !== "")
      wide.push(`sharing with the organization ${organization} (every account of it)`);
    else if (principal === "*") wide.push('Principal "*" (every AWS account)');
    else if (principal !== undefined && /[*?]/.test(principal)) wide.push(`Principal "${principal}"`);
  }
  const endpointPrincipals =
    type === "aws_vpc_endpoint_service_allowed_principal"
      ? strings(values.principal_arn)
      : type === "aws_vpc_endpoint_service"
        ? strings(values.allowed_principals)
        : [];
  for (const principal of endpointPrincipals) {
    const reason = endpointPrincipalWide(principal);
    if (reason !== undefined) wide.push(reason);
  }
  if (type === "aws_ami_launch_permission" && strings(values.group).some((group) => group.trim() === "all"))
    wide.push('group "all" (every AWS account)');
  // EKS access: the Kubernetes groups are roles (scope.forbiddenRoles apply), system:masters
  // is every permission; an access policy is a role, the admin ones too wide to grant.
  if (type === "aws_eks_access_entry")
    for (const group of strings(values.kubernetes_groups)) {
      roles.push(group);
      if (group.trim().toLowerCase() === "system:masters")
        wide.push('the Kubernetes group "system:masters" (every permission on the cluster)');
    }
  if (type === "aws_eks_access_policy_association")
    for (const arn of strings(values.policy_arn)) {
      const name = arn.trim().slice(arn.trim().lastIndexOf("/") + 1);
      roles.push(name);
      if (EKS_ADMIN_POLICIES.has(name.toLowerCase()))
        wide.push(`the EKS access policy ${name} (an administrator)`);
    }
  return withWide({ privileges, roles, flags: [] }, wide);
}

/** A bucket or object ACL's grants to everyone: a public canned ACL, or a grant to the AllUsers or AuthenticatedUsers group. */
function bucketAclWide(values: Record<string, unknown>): string[] {
  const wide: string[] = [];
  for (const acl of strings(values.acl))
    if (PUBLIC_ACLS.has(acl.trim().toLowerCase())) wide.push(`ACL "${acl}" (anyone)`);
  const grantees: unknown[] = [];
  for (const policy of Array.isArray(values.access_control_policy) ? values.access_control_policy : [])
    for (const grant of list((policy as { grant?: unknown } | null)?.grant))
      grantees.push(...list((grant as { grantee?: unknown } | null)?.grantee));
  // aws_s3_bucket's and aws_s3_object_copy's own grant blocks name the grantee's uri directly.
  grantees.push(...list(values.grant));
  for (const grantee of grantees) {
    const uri = (grantee as { uri?: unknown } | null)?.uri;
    if (typeof uri === "string" && /AllUsers|AuthenticatedUsers/i.test(uri))
      wide.push(`an ACL grant to ${uri} (anyone)`);
  }
  return wide;
}

/** The value of `attribute`, or of `block.attribute` in each element of a block list. */
function valuesAt(values: Record<string, unknown>, path: string): unknown[] {
  const dot = path.indexOf(".");
  if (dot < 0) return [values[path]];
  const attribute = path.slice(dot + 1);
  return list(values[path.slice(0, dot)]).map(
    (item) => (item as Record<string, unknown> | null)?.[attribute],
  );
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
