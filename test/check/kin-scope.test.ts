import { describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import { planDenials, tooWide, notPrincipal } from "../support/plan-denials.js";
import { aliceRecord } from "../support/grant-record.js";

// Red-team findings 2, 10, 12 and 13: access-granting types missing from the default
// privileged types, MySQL scope read as text, wide GCP principals, and PostgreSQL roles that
// are superuser in all but name. Crafted plan JSON, shaped as the providers write planned
// values, checked through the real compiled bundle with the default configuration.
const config = resolveConfig();

const t = Math.floor(Date.now() / 1000) + 60;
const expires = formatTimestamp(t + 3_600);

const denials = planDenials(config, () => t);

function change(address: string, type: string, after: object) {
  return {
    address,
    mode: "managed",
    type,
    name: address.split(".").pop(),
    change: { actions: ["create"], before: null, after, after_unknown: {} },
  };
}

/** A plan of one grant record (legacy terraform_data form) owning `resource`, and `resource`. */
function granted(type: string, values: object, binding = "custom", nativeExpiry = false) {
  const address = `${type}.grant`;
  return {
    format_version: "1.2",
    timestamp: formatTimestamp(t),
    planned_values: {},
    resource_changes: [
      change("terraform_data.grant", "terraform_data", {
        input: aliceRecord({
          id: "alice-read",
          target: "prod",
          expiresAt: expires,
          ticket: "INC-42",
          binding,
          nativeExpiry,
          resources: [address],
        }),
      }),
      change(address, type, values),
    ],
  };
}

describe("MySQL grants (finding 10)", () => {
  const grant = (values: object) =>
    granted("mysql_grant", { user: "alice", host: "%", database: "orders", table: "*", ...values });

  it("passes SELECT on one database, and a _ escaped as MySQL reads it", async () => {
    expect(await denials(grant({ privileges: ["SELECT"] }))).toEqual([]);
    expect(await denials(grant({ database: "order\\_items", privileges: ["SELECT"] }))).toEqual([]);
  });

  it('reads database "%" and " * " as every database', async () => {
    expect(await denials(grant({ database: "%", privileges: ["SELECT", "INSERT"] }))).toEqual([
      tooWide("mysql_grant.grant", 'every database (database "%")'),
    ]);
    expect(await denials(grant({ database: " * ", privileges: ["SELECT"] }))).toEqual([
      tooWide("mysql_grant.grant", 'every database (database " * ")'),
    ]);
  });

  it("reads an unescaped % or _ in the database as the pattern MySQL makes of it", async () => {
    for (const database of ["orders%", "order_items", "a\\\\_b"])
      expect(await denials(grant({ database, privileges: ["SELECT"] }))).toEqual([
        tooWide(
          "mysql_grant.grant",
          `every database matching the pattern ${JSON.stringify(database)} (MySQL reads % and _ as wildcards; escape them as \\% and \\_)`,
        ),
      ]);
  });

  it('reads the database "mysql" as the grant tables', async () => {
    expect(await denials(grant({ database: "mysql", privileges: ["UPDATE", "INSERT"] }))).toEqual([
      tooWide(
        "mysql_grant.grant",
        `the grant tables (database "mysql": every account's privileges and password hashes)`,
      ),
    ]);
  });

  it("reads ALL PRIVILEGES split by any whitespace: a tab, a no-break space", async () => {
    for (const privilege of ["ALL\tPRIVILEGES", "ALL\u00a0PRIVILEGES", " ALL \n PRIVILEGES "])
      expect(await denials(grant({ privileges: [privilege] }))).toEqual([
        tooWide("mysql_grant.grant", '"ALL PRIVILEGES"'),
      ]);
  });
});

describe("GCP members (finding 12)", () => {
  const end = [{ title: "tempgrant-alice-read", expression: `request.time < timestamp("${expires}")` }];
  const member = (who: string) =>
    granted(
      "google_project_iam_member",
      { project: "p", role: "roles/cloudsql.viewer", member: who, condition: end },
      "gcp-iam",
      true,
    );

  it("passes a named user, group, federated group or federated principal with the emitted condition", async () => {
    expect(await denials(member("user:alice@example.com"))).toEqual([]);
    // Not too wide; but none of them is the grant's principal (scope/grantee-is-principal).
    for (const who of [
      "group:ops@example.com",
      "principalSet://iam.googleapis.com/locations/global/workforcePools/pool/group/ops",
      "principal://iam.googleapis.com/locations/global/workforcePools/pool/subject/alice",
    ])
      expect([who, await denials(member(who))]).toEqual([
        who,
        [notPrincipal("google_project_iam_member.grant", who)],
      ]);
  });

  it("reads a whole pool, an attribute class, the public set and project-role members as wide", async () => {
    for (const who of [
      "principalSet://iam.googleapis.com/locations/global/workforcePools/pool/*",
      "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/pool/*",
      "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/pool/attribute.repository_owner/acme",
      "principalSet://iam.googleapis.com/locations/global/workforcePools/pool/group/*",
      "principalSet://goog/public:all",
      "projectOwner:p",
      "projectEditor:p",
      "projectViewer:p",
      "user:*",
    ])
      expect(await denials(member(who))).toEqual([
        notPrincipal("google_project_iam_member.grant", who.replace(/^user:/, "")),
        tooWide("google_project_iam_member.grant", `the member ${who}`),
      ]);
  });

  it("reads a member or role that is not text as wide", async () => {
    const until = { title: "t", expression: `request.time < timestamp("${expires}")` };
    const policy = (binding: object) =>
      granted(
        "google_project_iam_policy",
        { project: "p", policy_data: JSON.stringify({ bindings: [{ condition: until, ...binding }] }) },
        "gcp-iam",
        true,
      );
    expect(await denials(policy({ role: "roles/viewer", members: [{ x: "allUsers" }] }))).toEqual([
      tooWide("google_project_iam_policy.grant", "a member tempgrant cannot read"),
    ]);
    expect(await denials(policy({ role: ["roles/owner"], members: ["user:alice@example.com"] }))).toEqual([
      tooWide("google_project_iam_policy.grant", "a role tempgrant cannot read"),
    ]);
  });
});

describe("PostgreSQL roles (finding 13)", () => {
  it("passes a grant of an ordinary role, pg_signal_backend, and the read-all and write-all roles", async () => {
    for (const role of ["orders_read", "pg_signal_backend", "pg_read_all_data", "pg_write_all_data"])
      expect(
        await denials(granted("postgresql_grant_role", { role: "alice@example.com", grant_role: role })),
      ).toEqual([]);
  });

  it("forbids the superuser-equivalent roles by default", async () => {
    for (const role of [
      "postgres",
      "pg_execute_server_program",
      "pg_read_server_files",
      "pg_write_server_files",
      "rds_superuser",
      "cloudsqlsuperuser",
      "alloydbsuperuser",
      "azure_pg_admin",
    ]) {
      expect(
        await denials(granted("postgresql_grant_role", { role: "alice@example.com", grant_role: role })),
      ).toEqual([tooWide("postgresql_grant_role.grant", `the role "${role}"`)]);
    }
    expect(
      await denials(granted("postgresql_role", { name: "alice", login: false, roles: ["Postgres"] })),
    ).toEqual([tooWide("postgresql_role.grant", 'the role "Postgres"')]);
    // Compared trimmed: blanks around a name do not make it another role.
    expect(
      await denials(
        granted("postgresql_grant_role", { role: "alice@example.com", grant_role: " rds_superuser\t" }),
      ),
    ).toEqual([tooWide("postgresql_grant_role.grant", 'the role " rds_superuser\t"')]);
  });
});

describe("the default privileged types (finding 2)", () => {
  const standing = (type: string, values: object) => ({
    format_version: "1.2",
    timestamp: formatTimestamp(t),
    planned_values: {},
    resource_changes: [change(`${type}.x`, type, values)],
  });
  const noGrant = (type: string) =>
    `unmanaged/privileged-without-grant: ${type}.x (${type}) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry`;

  it("refuse access-granting resources outside a grant", async () => {
    for (const [type, values] of [
      ["google_storage_bucket_acl", { bucket: "b", role_entity: ["OWNER:allUsers"] }],
      ["google_storage_bucket_access_control", { bucket: "b", entity: "allUsers", role: "WRITER" }],
      ["google_storage_default_object_acl", { bucket: "b", role_entity: ["READER:allUsers"] }],
      ["google_storage_default_object_access_control", { bucket: "b", entity: "allUsers", role: "READER" }],
      ["google_storage_object_acl", { bucket: "b", object: "o", role_entity: ["READER:allUsers"] }],
      [
        "google_storage_object_access_control",
        { bucket: "b", object: "o", entity: "allUsers", role: "READER" },
      ],
      [
        "google_bigquery_dataset_access",
        { dataset_id: "d", role: "OWNER", special_group: "allAuthenticatedUsers" },
      ],
      ["google_cloud_identity_group_membership", { group: "groups/admins", roles: [{ name: "MEMBER" }] }],
      ["google_sql_user", { instance: "i", name: "mallory" }],
      ["google_os_login_ssh_public_key", { user: "mallory@example.com", key: "ssh-ed25519 AAAA" }],
      ["google_compute_project_metadata_item", { key: "ssh-keys", value: "mallory:ssh-ed25519 AAAA" }],
      [
        "google_project_iam_custom_role",
        { role_id: "c", permissions: ["resourcemanager.projects.setIamPolicy"] },
      ],
      ["google_organization_iam_custom_role", { role_id: "c", permissions: ["iam.roles.update"] }],
      ["snowflake_role_grants", { role_name: "ACCOUNTADMIN", users: ["MALLORY"] }],
      ["snowflake_account_grant", { privilege: "MANAGE GRANTS", roles: ["R"] }],
      ["snowflake_database_grant", { database_name: "D", privilege: "USAGE", roles: ["R"] }],
      ["snowflake_user", { name: "MALLORY", default_role: "ACCOUNTADMIN" }],
      ["mongodbatlas_project_invitation", { username: "m@example.com", roles: ["GROUP_OWNER"] }],
      [
        "azurerm_key_vault_access_policy",
        { key_vault_id: "kv", object_id: "o", secret_permissions: ["Get"] },
      ],
      ["azuread_application_password", { application_id: "a" }],
      ["azuread_service_principal_password", { service_principal_id: "s" }],
      ["azuread_application_federated_identity_credential", { application_id: "a", subject: "repo:x" }],
      ["github_repository_deploy_key", { repository: "r", key: "ssh-ed25519 AAA", read_only: false }],
      ["github_user_ssh_key", { title: "t", key: "ssh-ed25519 AAA" }],
      ["github_organization_role_team", { team_slug: "t", role_id: 1 }],
      ["gitlab_deploy_key", { project: "p", key: "ssh", can_push: true }],
      ["gitlab_deploy_key_enable", { project: "p", key_id: "1" }],
      ["gitlab_project_access_token", { project: "p", access_level: "maintainer", scopes: ["api"] }],
      ["gitlab_group_access_token", { group: "g", access_level: "owner", scopes: ["api"] }],
      ["gitlab_personal_access_token", { user_id: 1, scopes: ["api"] }],
      ["okta_app_user", { app_id: "a", user_id: "u" }],
      ["okta_app_group_assignments", { app_id: "a", group: [{ id: "g" }] }],
      ["okta_group_memberships", { group_id: "admins", users: ["m"] }],
      ["okta_user_admin_roles", { user_id: "u", admin_roles: ["SUPER_ADMIN"] }],
      ["vault_token", { policies: ["root"] }],
      ["vault_approle_auth_backend_role_secret_id", { role_name: "r" }],
      ["vault_jwt_auth_backend_role", { role_name: "r", token_policies: ["admin"] }],
      ["vault_identity_group_member_entity_ids", { group_id: "g", member_entity_ids: ["e"] }],
    ] as const)
      // Some are too wide besides (an admin role, root): here only that each needs a grant.
      expect([type, await denials(standing(type, values))]).toEqual([
        type,
        expect.arrayContaining([noGrant(type)]),
      ]);
  });

  it("leave out what holds no access by itself: a dataset, a secret, a secret backend role", async () => {
    for (const [type, values] of [
      ["google_bigquery_dataset", { dataset_id: "d" }],
      ["github_actions_secret", { repository: "r", secret_name: "X" }],
      ["vault_database_secret_backend_role", { name: "r", db_name: "d" }],
    ] as const)
      expect([type, await denials(standing(type, values))]).toEqual([type, []]);
  });
});
