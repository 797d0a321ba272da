import { privilegedByTargetContent, TARGET_PRIVILEGED_TYPES } from "../targets/registry.js";
import { OPAQUE_CARRIERS } from "./scope.js";

/**
 * Resource types that give access to something, as globs. A privileged resource in a plan
 * must belong to a grant record, or the plan smuggles in standing access. Configurable in
 * tempgrant.yaml (`privilegedTypes`); these are the defaults.
 */
export const DEFAULT_PRIVILEGED_TYPES: readonly string[] = [
  // PostgreSQL, AWS, Google Cloud, Kubernetes, and Vault (read, not bound): each one's own
  // (src/targets/*/plan-readers.ts)
  ...TARGET_PRIVILEGED_TYPES,
  // Templates, charts, documents and payloads that create what they hold (scope.ts, OPAQUE_CARRIERS)
  ...OPAQUE_CARRIERS.keys(),
  // MySQL and other database engines
  "mysql_grant",
  "mysql_user",
  "mysql_role",
  "mysql_default_roles",
  "mssql_user",
  "mssql_login",
  // MSSQL server and database role memberships and permissions (PGSSoft's provider)
  "mssql_*_role_member",
  "mssql_*_permission",
  "snowflake_grant_*",
  // Snowflake's older grant types (the provider's pre-1.0 names) and its users, which carry
  // credentials and a default role
  "snowflake_role_grants",
  "snowflake_*_grant",
  "snowflake_user",
  "snowflake_service_user",
  "snowflake_legacy_service_user",
  "snowflake_user_public_keys",
  "mongodbatlas_database_user",
  "mongodbatlas_project_invitation",
  "mongodbatlas_org_invitation",
  // Azure and Entra ID: role assignments, Key Vault access, and credentials of an application
  // or service principal (whoever holds one acts as it)
  "azurerm_role_assignment",
  "azurerm_role_definition",
  "azurerm_pim_*",
  "azurerm_key_vault_access_policy",
  "azuread_group_member",
  "azuread_app_role_assignment",
  "azuread_directory_role_assignment",
  "azuread_directory_role_member",
  "azuread_application_password",
  "azuread_application_certificate",
  "azuread_application_federated_identity_credential",
  "azuread_service_principal_password",
  "azuread_service_principal_certificate",
  // Source hosting: organisation, team and repository permissions, and the keys and tokens
  // that carry them (a deploy key or access token is access without a membership)
  "github_team_membership",
  "github_team_members",
  "github_team_repository",
  "github_repository_collaborator",
  "github_repository_collaborators",
  "github_membership",
  "github_organization_role_team",
  "github_organization_role_user",
  "github_repository_deploy_key",
  "github_user_ssh_key",
  "gitlab_project_membership",
  "gitlab_group_membership",
  "gitlab_project_share_group",
  "gitlab_group_share_group",
  "gitlab_deploy_key*",
  "gitlab_deploy_token",
  "gitlab_project_access_token",
  "gitlab_group_access_token",
  "gitlab_personal_access_token",
  "gitlab_user_sshkey",
  // Okta: group and application assignments, admin roles
  "okta_group_membership*",
  "okta_user_group_memberships",
  "okta_app_user",
  "okta_app_group_assignment*",
  "okta_user_admin_roles",
  "okta_group_role",
  "okta_admin_role_custom_assignments",
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
 * `privilegedTypes` says: a Kubernetes manifest holding a Role, ClusterRole or binding, or
 * whose kind is known only after apply (`unknown`: the paths of `after_unknown`). Values
 * that are not an object are read as holding nothing readable, so the target decides.
 */
export function privilegedByContent(type: string, values: unknown, unknown: readonly string[] = []): boolean {
  const fields = typeof values === "object" && values !== null ? (values as Record<string, unknown>) : {};
  return privilegedByTargetContent(type, fields, unknown);
}
