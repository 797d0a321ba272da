import { strings, withWide } from "../scope-values.js";
import type { GrantedScope, PlanReaders } from "../target-module.js";
import { impersonatingRole, readGcpBindings, readGcpPolicyData, type GcpIamReading } from "./iam-reading.js";

const GCP_BINDING = /^google_.*_iam_(member|binding)$/;
const GCP_POLICY = /^google_.*_iam_policy$/;

/** Project-wide metadata: its `ssh-keys` log in to every instance, its startup scripts run on every one as root. */
const PROJECT_METADATA = new Set(["google_compute_project_metadata", "google_compute_project_metadata_item"]);
/** Types whose `metadata` map may hold `ssh-keys`: an instance, and what instances are made from. */
const INSTANCE_METADATA = new Set([
  "google_compute_instance",
  "google_compute_instance_from_template",
  "google_compute_instance_template",
  "google_compute_region_instance_template",
]);
const BIGQUERY_DATASET = "google_bigquery_dataset";
/** The fields of a dataset's inline `access` entry that name who gets access. */
const DATASET_WHO = ["user_by_email", "group_by_email", "domain", "special_group", "iam_member"];

/** Types this target reads besides IAM: by content, or for what is too wide in them. */
const NON_IAM = new Set([
  ...PROJECT_METADATA,
  ...INSTANCE_METADATA,
  BIGQUERY_DATASET,
  "google_storage_hmac_key",
]);

/**
 * Whether a metadata key is one the guest agent reads SSH keys from: `ssh-keys`, and the
 * deprecated `sshKeys`; read without case and without `-`/`_`, so `ssh_keys` counts too.
 */
function sshKeysKey(key: string): boolean {
  return key.toLowerCase().replace(/[-_\s]/g, "") === "sshkeys";
}

/**
 * Google Cloud's IAM resources in a plan: members, bindings and policy documents, read for
 * their roles, the members that are everyone, and the `request.time` condition tempgrant
 * writes (its native expiry).
 */
export const gcpIamReaders: PlanReaders = {
  reads: (type) => (type.startsWith("google_") && type.includes("_iam_")) || NON_IAM.has(type),
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
    // The whole project metadata map: the same items, and `enable-oslogin` turned off
    "google_compute_project_metadata",
    // An HMAC key: a Cloud Storage credential of a service account, valid until deleted
    "google_storage_hmac_key",
  ],
  // By content: instances (and templates) whose metadata holds `ssh-keys`; BigQuery datasets
  // whose inline `access` names anyone.
  privilegedByContent(type, values, unknown) {
    if (INSTANCE_METADATA.has(type)) return instanceSshKeys(values, unknown);
    if (type === BIGQUERY_DATASET) return datasetNamesSomeone(values, unknown);
    return false;
  },
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
  grantees(type, values) {
    if (GCP_BINDING.test(type)) return gcpGrantees([values]);
    // A policy document that cannot be read is too wide already (scope/no-wildcard).
    if (GCP_POLICY.test(type) && typeof values.policy_data === "string")
      return gcpGrantees(policyBindings(values.policy_data));
    return undefined;
  },
};

/** The bindings of a policy document (JSON text); none when it cannot be read. */
function policyBindings(text: string): Record<string, unknown>[] {
  try {
    const bindings: unknown = (JSON.parse(text) as { bindings?: unknown } | null)?.bindings;
    return Array.isArray(bindings)
      ? bindings.filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null)
      : [];
  } catch {
    return [];
  }
}

/**
 * The members of an IAM member or binding, in the form the GCP binding writes a principal:
 * it writes `user:<principal>` for a principal without a kind, and a principal with a kind
 * (`serviceAccount:ci@…`) as it is. So `user:` is left out and every other kind kept: a
 * `group:`, `domain:` or `principalSet://` member is never one person, and never equals a
 * principal that names one.
 */
function gcpGrantees(bindings: readonly Record<string, unknown>[]): string[] {
  const members = bindings.flatMap((values) => [...strings(values.member), ...strings(values.members)]);
  return members.map((member) => {
    const trimmed = member.trim();
    return /^user:/i.test(trimmed) ? trimmed.slice("user:".length) : trimmed;
  });
}

function gcpScope(type: string, values: Record<string, unknown>): GrantedScope | undefined {
  if (/_iam_(member|binding)$/.test(type)) return fromReading(readGcpBindings([values]));
  if (/_iam_policy$/.test(type) && typeof values.policy_data === "string")
    return fromReading(readGcpPolicyData(values.policy_data));
  if (PROJECT_METADATA.has(type)) return projectMetadataScope(type, values);
  if (type === BIGQUERY_DATASET) return datasetScope(values);
  // Instances, templates, HMAC keys: nothing more than the attribute names providers share.
  if (NON_IAM.has(type)) return undefined;
  const roles = strings(values.role);
  for (const role of roles) {
    const acting = impersonatingRole(role);
    if (acting) return withWide({ privileges: [], roles, flags: [] }, [acting]);
  }
  return { privileges: [], roles, flags: [] };
}

/** A metadata map's keys, or undefined when it is not a map. */
function metadataKeys(metadata: unknown): string[] | undefined {
  return typeof metadata === "object" && metadata !== null && !Array.isArray(metadata)
    ? Object.keys(metadata)
    : undefined;
}

/**
 * Whether an instance's (or template's) metadata holds SSH keys: a key the guest agent reads
 * them from, or a metadata map, or one of its SSH keys, known only after apply.
 */
function instanceSshKeys(values: Record<string, unknown>, unknown: readonly string[]): boolean {
  if (metadataKeys(values.metadata)?.some(sshKeysKey)) return true;
  return unknown.some(
    (path) =>
      path === "*" || path === "metadata" || (path.startsWith("metadata.") && sshKeysKey(path.slice(9))),
  );
}

/**
 * Project metadata grants more than one key: `ssh-keys` logs in, with sudo, to every instance
 * of the project that does not block project keys; `enable-oslogin` other than TRUE lets such
 * keys in where OS Login would keep them out.
 */
function projectMetadataScope(type: string, values: Record<string, unknown>): GrantedScope {
  const items: [string, unknown][] =
    type === "google_compute_project_metadata"
      ? Object.entries(typeof values.metadata === "object" && values.metadata !== null ? values.metadata : {})
      : [[typeof values.key === "string" ? values.key : "", values.value]];
  const wide: string[] = [];
  for (const [key, value] of items) {
    if (sshKeysKey(key)) wide.push(`SSH keys in project metadata (${key}), which log in to every instance`);
    if (key.trim().toLowerCase() === "enable-oslogin" && String(value).trim().toLowerCase() !== "true")
      wide.push(
        `OS Login turned off in project metadata (${key} ${JSON.stringify(value)}), which lets metadata SSH keys in`,
      );
  }
  return withWide({ privileges: [], roles: [], flags: [] }, wide);
}

/** A dataset's inline `access` entries (a set of blocks). */
function datasetAccess(values: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(values.access)
    ? values.access.filter(
        (entry): entry is Record<string, unknown> => typeof entry === "object" && entry !== null,
      )
    : [];
}

/**
 * Whether a dataset's inline `access` names anyone: a user, group, domain, special group or
 * IAM member (an authorized view, dataset or routine names no one), or such a field is known
 * only after apply. An `access` unknown as a whole is what the provider plans when the
 * configuration leaves it out (BigQuery's default entries), and is not read as naming anyone.
 */
function datasetNamesSomeone(values: Record<string, unknown>, unknown: readonly string[]): boolean {
  if (datasetAccess(values).some((entry) => DATASET_WHO.some((field) => named(entry[field])))) return true;
  return unknown.some((path) => {
    const match = /^access\[\d+\](?:\.(\w+))?$/.exec(path);
    return match !== null && (match[1] === undefined || DATASET_WHO.includes(match[1]));
  });
}

function named(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/**
 * A dataset's inline access: the roles it gives, and as too wide a special group (every
 * authenticated user, every owner/writer/reader of the project), a domain, or a wide IAM member.
 */
function datasetScope(values: Record<string, unknown>): GrantedScope {
  const roles: string[] = [];
  const wide: string[] = [];
  for (const entry of datasetAccess(values)) {
    if (!DATASET_WHO.some((field) => named(entry[field]))) continue;
    if (typeof entry.role === "string") roles.push(entry.role);
    if (named(entry.special_group))
      wide.push(`the special group ${String(entry.special_group)} (a class of identities)`);
    if (named(entry.domain)) wide.push(`the domain ${String(entry.domain)} (everyone of a domain)`);
    if (named(entry.iam_member)) {
      wide.push(...readGcpBindings([{ member: entry.iam_member }]).wide);
    }
  }
  return withWide({ privileges: [], roles, flags: [] }, wide);
}

function fromReading(reading: GcpIamReading): GrantedScope {
  return withWide({ privileges: [], roles: [...reading.roles], flags: [] }, reading.wide);
}
