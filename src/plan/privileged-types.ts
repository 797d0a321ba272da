import { privilegedByTargetContent, TARGET_PRIVILEGED_TYPES } from "../targets/registry.js";

/**
 * Resource types that give access to something, as globs. A privileged resource in a plan
 * must belong to a grant record, or the plan smuggles in standing access. Configurable in
 * tempgrant.yaml (`privilegedTypes`); these are the defaults.
 */
export const DEFAULT_PRIVILEGED_TYPES: readonly string[] = [
  // PostgreSQL, AWS, Google Cloud, Kubernetes: each target's own (src/targets/*/plan-readers.ts)
  ...TARGET_PRIVILEGED_TYPES,
  // MySQL and other database engines
  "mysql_grant",
  "mysql_user",
  "mysql_role",
  "mysql_default_roles",
  "mssql_user",
  "mssql_login",
  "snowflake_grant_*",
  "mongodbatlas_database_user",
  // Azure and Entra ID
  "azurerm_role_assignment",
  "azurerm_role_definition",
  "azurerm_pim_*",
  "azuread_group_member",
  "azuread_app_role_assignment",
  "azuread_directory_role_assignment",
  "azuread_directory_role_member",
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
    typeof values === "object" &&
    values !== null &&
    privilegedByTargetContent(type, values as Record<string, unknown>)
  );
}
