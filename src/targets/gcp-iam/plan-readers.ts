import { strings, withWide } from "../scope-values.js";
import type { GrantedScope, PlanReaders } from "../target-module.js";
import { readGcpBindings, readGcpPolicyData, type GcpIamReading } from "./iam-reading.js";

const GCP_BINDING = /^google_.*_iam_(member|binding)$/;
const GCP_POLICY = /^google_.*_iam_policy$/;

/**
 * Google Cloud's IAM resources in a plan: members, bindings and policy documents, read for
 * their roles, the members that are everyone, and the `request.time` condition tempgrant
 * writes (its native expiry).
 */
export const gcpIamReaders: PlanReaders = {
  reads: (type) => type.startsWith("google_") && type.includes("_iam_"),
  privilegedTypes: [
    // IAM members, bindings, policies, custom roles (google_*_iam_custom_role); service account keys
    "google_*_iam_*",
    "google_service_account_key",
    // Access outside IAM: Cloud Storage ACLs, BigQuery dataset access, Cloud Identity groups
    "google_storage_bucket_acl",
    "google_storage_bucket_access_control",
    "google_storage_default_object_acl",
    "google_storage_default_object_access_control",
    "google_storage_object_acl",
    "google_storage_object_access_control",
    "google_bigquery_dataset_access",
    "google_cloud_identity_group_membership",
    // Credentials: Cloud SQL users, OS Login keys, project-wide metadata (its `ssh-keys` item
    // logs in to every instance; privileged by type whatever the key, to keep one rule)
    "google_sql_user",
    "google_os_login_ssh_public_key",
    "google_compute_project_metadata_item",
  ],
  privilegedByContent: () => false,
  scope: gcpScope,
  scopeAttributes: () => [],
  nativeExpiry(type, values) {
    if (GCP_BINDING.test(type)) return readGcpBindings([values]).expiry;
    if (GCP_POLICY.test(type))
      return typeof values.policy_data === "string"
        ? readGcpPolicyData(values.policy_data).expiry
        : undefined;
    return undefined;
  },
  expiryBearing: (type) => GCP_BINDING.test(type) || GCP_POLICY.test(type),
  expiryAttributes: () => [],
  credentialAttributes: {},
  relations: null,
};

function gcpScope(type: string, values: Record<string, unknown>): GrantedScope {
  if (/_iam_(member|binding)$/.test(type)) return fromReading(readGcpBindings([values]));
  if (/_iam_policy$/.test(type) && typeof values.policy_data === "string")
    return fromReading(readGcpPolicyData(values.policy_data));
  return { privileges: [], roles: strings(values.role), flags: [] };
}

function fromReading(reading: GcpIamReading): GrantedScope {
  return withWide({ privileges: [], roles: [...reading.roles], flags: [] }, reading.wide);
}
