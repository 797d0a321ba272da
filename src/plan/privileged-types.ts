/**
 * Resource types that give access to something, as globs. A privileged resource in a plan
 * must belong to a grant record, or the plan smuggles in standing access. Configurable in
 * tempgrant.yaml (`privilegedTypes`); these are the defaults.
 */
export const DEFAULT_PRIVILEGED_TYPES: readonly string[] = [
  "tempgrant_postgresql_*",
  "postgresql_grant*",
  "postgresql_role",
  "postgresql_default_privileges",
  "mysql_grant",
  "mysql_user",
  "aws_iam_*",
  "aws_s3_bucket_policy",
  "google_*_iam_*",
  "azurerm_role_assignment",
  "azurerm_role_definition",
  "azuread_group_member",
  "kubernetes_*role_binding*",
  "github_team_membership",
  "github_repository_collaborator",
  "github_membership",
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
