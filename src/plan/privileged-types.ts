import { isRbacManifest } from "./kubernetes-rbac.js";

/**
 * Resource types that give access to something, as globs. A privileged resource in a plan
 * must belong to a grant record, or the plan smuggles in standing access. Configurable in
 * tempgrant.yaml (`privilegedTypes`); these are the defaults.
 */
export const DEFAULT_PRIVILEGED_TYPES: readonly string[] = [
  // tempgrant's own provider and PostgreSQL
  "tempgrant_postgresql_*",
  "postgresql_grant*",
  "postgresql_role",
  "postgresql_default_privileges",
  // MySQL and other database engines
  "mysql_grant",
  "mysql_user",
  "mysql_role",
  "mysql_default_roles",
  "mssql_user",
  "mssql_login",
  "snowflake_grant_*",
  "mongodbatlas_database_user",
  // AWS: IAM users, keys, login profiles, roles, policies and attachments; SSO; resource policies
  "aws_iam_*",
  "aws_ssoadmin_account_assignment",
  "aws_ssoadmin_*_attachment",
  "aws_ssoadmin_permission_set*",
  "aws_identitystore_group_membership",
  "aws_s3_bucket_policy",
  "aws_kms_grant",
  "aws_lakeformation_permissions",
  // Google Cloud: IAM members, bindings, policies, custom roles; service account keys
  "google_*_iam_*",
  "google_service_account_key",
  // Azure and Entra ID
  "azurerm_role_assignment",
  "azurerm_role_definition",
  "azurerm_pim_*",
  "azuread_group_member",
  "azuread_app_role_assignment",
  "azuread_directory_role_assignment",
  "azuread_directory_role_member",
  // Kubernetes RBAC (and kubernetes_manifest / kubectl_manifest holding RBAC objects, by content)
  "kubernetes_*role_binding*",
  "kubernetes_role",
  "kubernetes_role_v1",
  "kubernetes_cluster_role",
  "kubernetes_cluster_role_v1",
  // Source hosting: organisation, team and repository permissions
  "github_team_membership",
  "github_team_members",
  "github_team_repository",
  "github_repository_collaborator",
  "github_repository_collaborators",
  "github_membership",
  "gitlab_project_membership",
  "gitlab_group_membership",
  "gitlab_project_share_group",
  "gitlab_group_share_group",
  // Identity providers and secrets
  "okta_group_membership*",
  "okta_user_group_memberships",
  "vault_policy",
];

/** A matcher for a list of `*` globs (no other wildcard is special). */
export function typeMatcher(globs: readonly string[]): (type: string) => boolean {
  const patterns = globs.map(
    (glob) =>
      new RegExp(
        `^${glob
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      ),
  );
  return (type) => patterns.some((pattern) => pattern.test(type));
}

/**
 * Resources privileged by what they hold rather than by their type, whatever
 * `privilegedTypes` says: a Kubernetes manifest holding a Role, ClusterRole or binding.
 */
export function privilegedByContent(type: string, values: unknown): boolean {
  return (
    (type === "kubernetes_manifest" || type === "kubectl_manifest") &&
    typeof values === "object" &&
    values !== null &&
    isRbacManifest(type, values as Record<string, unknown>)
  );
}
