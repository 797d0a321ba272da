import { describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import { created, grantedAt, noGrant, planAt, planDenials, tooWide } from "../support/plan-denials.js";

// Red-team round 2b: Vault content never read (policies, tokens, identities, generic
// endpoints), PostgreSQL's WITH ADMIN OPTION, PUBLIC and CREATEDB, and the administrator roles
// and privileges of Snowflake, MongoDB Atlas, SQL Server and MySQL. Crafted plan JSON, shaped
// as the providers write planned values, checked through the real compiled bundle with the
// default configuration.
const config = resolveConfig();

const t = Math.floor(Date.now() / 1000) + 60;
const expires = formatTimestamp(t + 3_600);

const denials = planDenials(config, () => t);

const change = created;
const plan = (changes: object[]) => planAt(t, changes);

/** A plan of one grant record (legacy terraform_data form) owning `<type>.grant`, and that resource. */
const granted = (type: string, values: object, kind = "custom", nativeExpiry = false) =>
  grantedAt(t, { kind, nativeExpiry }, [created(`${type}.grant`, type, values)]);

/** A plan of `<type>.x` alone, outside any grant. */
const standing = (type: string, values: object, afterUnknown: object = {}) =>
  plan([change(`${type}.x`, type, values, afterUnknown)]);

const ROOT = 'the Vault policy "root" (every path, every capability)';

describe("Vault", () => {
  const policy = (text: string) => granted("vault_policy", { name: "orders-read", policy: text });

  it("passes a policy reading one secret path, with comments and a deny block", async () => {
    expect(
      await denials(
        policy(`# orders, read only
path "secret/data/orders/*" {
  capabilities = ["read", "list"]
}
// never the admin secrets
path "secret/data/orders/admin" { capabilities = ["deny"] }
path "auth/token/lookup-self" { capabilities = ["read"] }`),
      ),
    ).toEqual([]);
    expect(
      await denials(policy(JSON.stringify({ path: { "secret/data/orders/*": { capabilities: ["read"] } } }))),
    ).toEqual([]);
  });

  it("reads a path globbed at the top, sys/, sudo and writing logins as too wide", async () => {
    const address = "vault_policy.grant";
    expect(await denials(policy('path "*" { capabilities = ["read"] }'))).toEqual([
      tooWide(address, 'every Vault mount (policy path "*")'),
    ]);
    expect(await denials(policy('path "secret*" { capabilities = ["read"] }'))).toEqual([
      tooWide(address, 'every Vault mount (policy path "secret*")'),
    ]);
    expect(await denials(policy('path "sys/policies/acl/*" { capabilities = ["update"] }'))).toEqual([
      tooWide(
        address,
        `Vault's own configuration (policy path "sys/policies/acl/*": policies, mounts, auth methods)`,
      ),
    ]);
    expect(await denials(policy('path "secret/data/orders" { capabilities = ["read", "sudo"] }'))).toEqual([
      tooWide(address, 'the sudo capability (Vault policy path "secret/data/orders")'),
    ]);
    expect(
      await denials(policy('path "auth/userpass/users/*" { capabilities = ["create", "update"] }')),
    ).toEqual([
      tooWide(
        address,
        'writing Vault\'s logins (policy path "auth/userpass/users/*": who gets which policies)',
      ),
    ]);
    // The legacy form: policy = "sudo".
    expect(await denials(policy('path "secret/x" { policy = "sudo" }'))).toEqual([
      tooWide(address, 'the sudo capability (Vault policy path "secret/x")'),
    ]);
  });

  it("reads a policy it cannot parse as too wide (fail closed)", async () => {
    const address = "vault_policy.grant";
    expect(await denials(policy('path "secret/x" { capabilities = var.caps }'))).toEqual([
      tooWide(address, 'the sudo capability (Vault policy path "secret/x")'),
    ]);
    expect(await denials(policy('path "secret/x" { capabilities = ["read"] }\nfoo = 1'))).toEqual([
      tooWide(
        address,
        'a Vault policy tempgrant cannot read ("path \\"secret/x\\" { capabilities = [\\"read\\"] } foo = 1")',
      ),
    ]);
    expect(await denials(granted("vault_policy", { name: "p", policy: 42 }))).toEqual([
      tooWide(address, "a Vault policy tempgrant cannot read (not text)"),
    ]);
  });

  it("reads the policies of tokens, identity groups and entities, and auth roles: root is too wide", async () => {
    for (const [type, values, name] of [
      ["vault_token", { policies: ["root"], ttl: "1h", renewable: false }, "root"],
      ["vault_identity_group", { name: "g", policies: ["Root "], member_entity_ids: ["e"] }, "Root "],
      ["vault_identity_entity", { name: "alice", policies: ["root"] }, "root"],
      [
        "vault_jwt_auth_backend_role",
        {
          role_name: "r",
          token_policies: ["orders-read", "root"],
          user_claim: "sub",
          bound_subject: "repo:acme/orders:ref:refs/heads/main",
        },
        "root",
      ],
    ] as const) {
      expect([type, await denials(granted(type, values))]).toEqual([
        type,
        [tooWide(`${type}.grant`, ROOT.replace('"root"', JSON.stringify(name)))],
      ]);
    }
  });

  it("passes a token and an identity entity naming ordinary policies", async () => {
    expect(
      await denials(granted("vault_token", { policies: ["orders-read"], ttl: "1h", renewable: false })),
    ).toEqual([]);
    expect(
      await denials(granted("vault_identity_entity", { name: "alice", policies: ["orders-read"] })),
    ).toEqual([]);
  });

  it("reads a token without policies as its parent's, and an alias as its entity's", async () => {
    expect(await denials(granted("vault_token", { ttl: "1h", renewable: false }))).toEqual([
      tooWide("vault_token.grant", "the policies of the token tempgrant's apply runs with (no policies set)"),
    ]);
    expect(
      await denials(
        granted("vault_identity_entity_alias", { name: "alice", mount_accessor: "a", canonical_id: "e1" }),
      ),
    ).toEqual([
      tooWide(
        "vault_identity_entity_alias.grant",
        'the policies of the Vault entity "e1", which tempgrant does not read (an alias logs in as it)',
      ),
    ]);
  });

  it("holds identity entities, aliases and tokens to a grant", async () => {
    for (const type of ["vault_identity_entity", "vault_identity_entity_alias", "vault_token"])
      expect(await denials(standing(type, { name: "m", policies: ["orders-read"] }))).toContain(
        noGrant(`${type}.x`, type),
      );
  });

  it("holds a generic endpoint writing sys/, auth/ or identity/ (or an unknown path) to a grant", async () => {
    const type = "vault_generic_endpoint";
    for (const path of [
      "sys/policies/acl/admin",
      "auth/userpass/users/m",
      "identity/entity/name/m",
      "ns1/sys/mounts/x",
    ])
      expect([path, await denials(standing(type, { path, data_json: "{}" }))]).toEqual([
        path,
        expect.arrayContaining([noGrant(`${type}.x`, type)]),
      ]);
    expect(await denials(standing(type, { data_json: "{}" }, { path: true }))).toContain(
      noGrant(`${type}.x`, type),
    );
    // A secret's path is not Vault's configuration.
    expect(await denials(standing(type, { path: "secret/data/orders/app", data_json: '{"a":"b"}' }))).toEqual(
      [],
    );
  });

  it("reads what a generic endpoint writes: the policy, the login's policies, or too wide", async () => {
    const type = "vault_generic_endpoint";
    const write = (path: string, body: object | string) =>
      granted(type, { path, data_json: typeof body === "string" ? body : JSON.stringify(body) });
    expect(
      await denials(write("sys/policies/acl/ops", { policy: 'path "*" { capabilities = ["read"] }' })),
    ).toEqual([tooWide(`${type}.grant`, 'every Vault mount (policy path "*")')]);
    expect(
      await denials(write("auth/userpass/users/alice", { password: "x", token_policies: ["root"] })),
    ).toEqual([tooWide(`${type}.grant`, ROOT)]);
    expect(await denials(write("auth/userpass/users/alice", { token_policies: "orders-read" }))).toEqual([]);
    expect(await denials(write("sys/auth/userpass", { type: "userpass" }))).toEqual([
      tooWide(
        `${type}.grant`,
        `a write to Vault's own configuration (path "sys/auth/userpass"), which tempgrant does not read`,
      ),
    ]);
    expect(await denials(write("sys/policy/x", "not json"))).toEqual([
      tooWide(`${type}.grant`, 'a write to the Vault path "sys/policy/x" whose body tempgrant cannot read'),
    ]);
  });
});

describe("PostgreSQL", () => {
  it("reads WITH ADMIN OPTION on a membership as GRANT OPTION", async () => {
    const grant = (values: object) =>
      granted(
        "postgresql_grant_role",
        { role: "alice@example.com", grant_role: "orders_read", ...values },
        "postgresql",
      );
    expect(await denials(grant({ with_admin_option: true }))).toEqual([
      tooWide("postgresql_grant_role.grant", "the grant_option flag"),
    ]);
    expect(await denials(grant({ with_admin_option: false }))).toEqual([]);
  });

  it("reads PUBLIC, in any case, as every role", async () => {
    for (const [type, values] of [
      [
        "postgresql_grant",
        {
          role: "public",
          database: "orders",
          schema: "public",
          object_type: "table",
          objects: [],
          privileges: ["SELECT"],
        },
      ],
      ["postgresql_grant_role", { role: "PUBLIC", grant_role: "orders_read" }],
      [
        "postgresql_default_privileges",
        {
          role: " Public",
          owner: "app",
          database: "orders",
          schema: "public",
          object_type: "table",
          privileges: ["SELECT"],
        },
      ],
    ] as const) {
      const role = values.role;
      expect([type, await denials(granted(type, values))]).toEqual([
        type,
        [tooWide(`${type}.grant`, `every role (the grantee ${JSON.stringify(role)} is PUBLIC)`)],
      ]);
    }
  });

  it("passes SELECT granted to a named role", async () => {
    expect(
      await denials(
        granted("postgresql_grant", {
          role: "alice",
          database: "orders",
          schema: "public",
          object_type: "table",
          objects: [],
          privileges: ["SELECT"],
        }),
      ),
    ).toEqual([]);
  });

  it("reads every role flag as too wide, CREATEDB included, and a flag written as text", async () => {
    for (const flag of [
      "create_database",
      "create_role",
      "bypass_row_level_security",
      "replication",
      "superuser",
    ])
      expect(
        await denials(granted("postgresql_role", { name: "alice", login: false, [flag]: true })),
      ).toEqual([tooWide("postgresql_role.grant", `the ${flag} flag`)]);
    expect(
      await denials(granted("postgresql_role", { name: "alice", login: false, superuser: "true" })),
    ).toEqual([tooWide("postgresql_role.grant", "the superuser flag")]);
  });

  const loginRole = (flags: object) =>
    granted(
      "tempgrant_postgresql_login_role",
      {
        name: "tg_alice_orders_read",
        member_of: ["pg_read_all_data"],
        valid_until: expires,
        superuser: false,
        create_db: false,
        create_role: false,
        bypass_rls: false,
        replication: false,
        ...flags,
      },
      "postgresql",
      true,
    );

  it("passes tempgrant's own login role as its provider writes it, and reads its flags", async () => {
    expect(await denials(loginRole({}))).toEqual([]);
    expect(await denials(loginRole({ create_db: true }))).toEqual([
      tooWide("tempgrant_postgresql_login_role.grant", "the create_database flag"),
    ]);
    for (const [attribute, flag] of [
      ["create_role", "create_role"],
      ["bypass_rls", "bypass_row_level_security"],
      ["replication", "replication"],
    ])
      expect(await denials(loginRole({ [attribute!]: true }))).toEqual([
        tooWide("tempgrant_postgresql_login_role.grant", `the ${flag} flag`),
      ]);
  });
});

describe("other databases' administrator roles and privileges", () => {
  it("reads Snowflake's administrator roles as too wide, and passes another role", async () => {
    for (const role of ["ACCOUNTADMIN", "SECURITYADMIN", "orgadmin", '"SYSADMIN"'])
      expect(
        await denials(granted("snowflake_grant_account_role", { role_name: role, user_name: "ALICE" })),
      ).toEqual([
        tooWide(
          "snowflake_grant_account_role.grant",
          `the role ${JSON.stringify(role)} (a Snowflake administrator role)`,
        ),
      ]);
    expect(
      await denials(
        granted("snowflake_grant_account_role", { role_name: "ORDERS_READ", user_name: "ALICE" }),
      ),
    ).toEqual([]);
  });

  it("reads MongoDB Atlas roles from their objects: the any-database and admin roles are too wide", async () => {
    const user = (...roles: object[]) =>
      granted("mongodbatlas_database_user", {
        username: "alice",
        project_id: "p",
        auth_database_name: "admin",
        roles,
      });
    for (const role of [
      "atlasAdmin",
      "readWriteAnyDatabase",
      "userAdminAnyDatabase",
      "dbAdminAnyDatabase",
      "clusterManager",
    ])
      expect(await denials(user({ role_name: role, database_name: "admin" }))).toEqual([
        tooWide(
          "mongodbatlas_database_user.grant",
          `the role ${JSON.stringify(role)} (every database of the cluster, or its administration)`,
        ),
      ]);
    expect(await denials(user({ role_name: "read", database_name: "orders" }))).toEqual([]);
    expect(await denials(user({ database_name: "orders" }))).toEqual([
      tooWide("mongodbatlas_database_user.grant", "a role tempgrant cannot read"),
    ]);
  });

  it("reads SQL Server's administrator roles as too wide", async () => {
    for (const role of ["sysadmin", "securityadmin", "db_owner"])
      expect(
        await denials(granted("mssql_user", { username: "alice", roles: ["db_datareader", role] })),
      ).toEqual([
        tooWide("mssql_user.grant", `the role ${JSON.stringify(role)} (an SQL Server administrator role)`),
      ]);
    expect(await denials(granted("mssql_user", { username: "alice", roles: ["db_datareader"] }))).toEqual([]);
  });

  it("reads MySQL's server-wide and dynamic privileges as too wide, and its roles", async () => {
    const grant = (values: object) =>
      granted("mysql_grant", { user: "alice", host: "%", database: "orders", table: "*", ...values });
    for (const privilege of [
      "SYSTEM_VARIABLES_ADMIN",
      "CONNECTION_ADMIN",
      "ROLE_ADMIN",
      "SET_USER_ID",
      "SYSTEM_USER",
      "PROXY",
      "FILE",
      "CREATE USER",
      "binlog admin",
    ])
      expect(await denials(grant({ privileges: ["SELECT", privilege] }))).toEqual([
        tooWide(
          "mysql_grant.grant",
          `the privilege ${JSON.stringify(privilege)} (it administers the whole MySQL server)`,
        ),
      ]);
    expect(await denials(grant({ privileges: ["SELECT", "INSERT", "EXECUTE"] }))).toEqual([]);
    expect(await denials(grant({ database: "`mysql`", privileges: ["SELECT"] }))).toEqual([
      tooWide(
        "mysql_grant.grant",
        'the grant tables (database "`mysql`": every account\'s privileges and password hashes)',
      ),
    ]);
    // A role is read as a role: forbidden by name through scope.forbiddenRoles.
    expect(await denials(grant({ roles: ["admin"] }))).toEqual([
      tooWide("mysql_grant.grant", 'the role "admin"'),
    ]);
  });
});
