import { describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import {
  created,
  grantedAt,
  noGrant,
  notPrincipal,
  planAt,
  planDenials,
  tooWide,
} from "../support/plan-denials.js";

// Red-team round 4: GCP members a reviewer cannot read and custom roles named as forbidden
// ones; Vault auth methods and tokens that outlive the grant; MySQL's anonymous user,
// Snowflake default roles, and PostgreSQL CREATE on a schema or database. Crafted plan JSON
// shaped as the providers write planned values, checked through the real compiled bundle with
// the default configuration.
const config = resolveConfig();
const t = Math.floor(Date.now() / 1000) + 60;
const denials = planDenials(config, () => t);

/** A plan of one grant record of `kind` owning `<type>.grant`, and that resource. */
const granted = (type: string, values: object, kind = "custom", nativeExpiry = false) =>
  grantedAt(t, { kind, nativeExpiry }, [created(`${type}.grant`, type, values)]);

describe("GCP (round 4)", () => {
  const condition = {
    title: "tempgrant-alice-read",
    description: "tempgrant alice-read: INC-42",
    expression: `request.time < timestamp("${formatTimestamp(t + 3_600)}")`,
  };
  const member = (who: string, role = "roles/cloudsql.viewer") =>
    granted("google_project_iam_member", { project: "p", role, member: who, condition }, "gcp-iam", true);
  const address = "google_project_iam_member.grant";
  const hidden = (who: string, at: string) =>
    tooWide(
      address,
      `the member ${JSON.stringify(who)}, which holds ${at} (a blank, or a character that cannot be seen): not readable as one identity`,
    );

  it("reads a member holding an invisible, format or control character, or a blank, as too wide", async () => {
    // Not alice to scope/grantee-is-principal either, but where a blank around her is trimmed.
    for (const [who, at, alice] of [
      ["user:alice@example.com\u200b", "U+200B", false],
      ["user:alice@example.com\u2060", "U+2060", false],
      ["user:\ufeffalice@example.com", "U+FEFF", false],
      ["user:alice@example.com\u202e", "U+202E", false],
      ["user:alice@example.com\u0007", "U+0007", false],
      ["user:alice@example.com ", "U+0020", true],
      ["user:alice @example.com", "U+0020", false],
      ["user:alice@example.com\u00a0", "U+00A0", true],
    ] as const) {
      const grantee = who.slice("user:".length);
      expect([who, await denials(member(who))]).toEqual([
        who,
        [hidden(who, at), ...(alice ? [] : [notPrincipal(address, grantee)])].sort(),
      ]);
    }
    // Everyone, hidden: both what it names and that it cannot be read.
    expect(await denials(member("allUsers\u200b"))).toEqual([
      notPrincipal(address, "allUsers\u200b"),
      hidden("allUsers\u200b", "U+200B"),
    ]);
    expect(await denials(member(" allUsers"))).toEqual(
      [
        notPrincipal(address, "allUsers"),
        hidden(" allUsers", "U+0020"),
        tooWide(address, "the member  allUsers"),
      ].sort(),
    );
    expect(await denials(member("user:alice@example.com"))).toEqual([]);
  });

  it("reads a custom role whose id is a forbidden predefined role's as that role", async () => {
    for (const role of ["projects/p/roles/owner", "organizations/1/roles/Editor"])
      expect(await denials(member("user:alice@example.com", role))).toEqual([
        tooWide(address, `the role ${JSON.stringify(role)}`),
      ]);
    expect(await denials(member("user:alice@example.com", "projects/p/roles/ordersReader"))).toEqual([]);
  });
});

describe("Vault (round 4)", () => {
  it("holds enabling an auth method to a grant, and reads it as too wide", async () => {
    for (const [type, values, method] of [
      ["vault_auth_backend", { type: "userpass", path: "userpass" }, "userpass"],
      ["vault_jwt_auth_backend", { path: "jwt", oidc_discovery_url: "https://ci.example.com" }, "jwt"],
      ["vault_ldap_auth_backend", { path: "ldap", url: "ldaps://dc" }, "ldap"],
    ] as const) {
      const what = `enabling a Vault auth method (${JSON.stringify(method)}), a way to log in that tempgrant does not read`;
      expect([type, await denials(planAt(t, [created(`${type}.x`, type, values)]))]).toEqual([
        type,
        [tooWide(`${type}.x`, what), noGrant(`${type}.x`, type)].sort(),
      ]);
      expect([type, await denials(granted(type, values))]).toEqual([type, [tooWide(`${type}.grant`, what)]]);
    }
    // Backend roles and configuration are not themselves a new way in (a role bound to someone).
    const role = { bound_audiences: ["vault"], bound_subject: "repo:acme/orders:ref:refs/heads/main" };
    expect(
      await denials(
        planAt(t, [created("vault_jwt_auth_backend_role.x", "vault_jwt_auth_backend_role", role)]),
      ),
    ).toEqual([noGrant("vault_jwt_auth_backend_role.x", "vault_jwt_auth_backend_role")]);
  });

  const token = (values: object) =>
    granted("vault_token", { policies: ["orders-read"], ttl: "1h", ...values });
  const address = "vault_token.grant";
  const renewable =
    "a renewable Vault token without explicit_max_ttl, which renews past the grant (renewable = false, or set explicit_max_ttl)";

  it("reads a token that outlives the grant as too wide: orphan, periodic, renewable without a max TTL", async () => {
    expect(await denials(token({ renewable: false, no_parent: true }))).toEqual([
      tooWide(address, "an orphan Vault token (no_parent), which revoking its parent does not revoke"),
    ]);
    expect(await denials(token({ renewable: false, period: "24h" }))).toEqual([
      tooWide(address, 'a periodic Vault token (period "24h"), which renews without end'),
    ]);
    // Vault makes a token renewable unless told otherwise.
    for (const values of [{}, { renewable: true }, { renewable: true, explicit_max_ttl: "0" }])
      expect([values, await denials(token(values))]).toEqual([values, [tooWide(address, renewable)]]);
  });

  it("passes a token that ends with the grant: not renewable, or renewable with an explicit max TTL", async () => {
    expect(await denials(token({ renewable: false, no_parent: false, period: "" }))).toEqual([]);
    expect(await denials(token({ renewable: true, explicit_max_ttl: "1h" }))).toEqual([]);
  });
});

describe("databases (round 4)", () => {
  it("reads MySQL's anonymous user as too wide, and passes a named one", async () => {
    for (const [type, values] of [
      ["mysql_user", { user: "", host: "%" }],
      [
        "mysql_grant",
        { user: "", host: "localhost", database: "orders", table: "*", privileges: ["SELECT"] },
      ],
    ] as const)
      expect([type, await denials(granted(type, values))]).toEqual([
        type,
        [tooWide(`${type}.grant`, 'the anonymous MySQL user (user ""), which every login name matches')],
      ]);
    expect(await denials(granted("mysql_user", { user: "alice", host: "%" }))).toEqual([]);
    expect(
      await denials(
        granted("mysql_grant", {
          user: "alice",
          host: "%",
          database: "orders",
          table: "*",
          privileges: ["SELECT"],
        }),
      ),
    ).toEqual([]);
  });

  it("reads a Snowflake user's default role as a role: an administrator or forbidden one is too wide", async () => {
    for (const type of ["snowflake_user", "snowflake_service_user"]) {
      const user = (role: string) =>
        granted(type, { name: "ALICE", default_role: role, default_secondary_roles_option: "ALL" });
      expect(await denials(user("ACCOUNTADMIN"))).toEqual([
        tooWide(`${type}.grant`, 'the role "ACCOUNTADMIN" (a Snowflake administrator role)'),
      ]);
      expect(await denials(user("Admin"))).toEqual([tooWide(`${type}.grant`, 'the role "Admin"')]);
      expect(await denials(user("ORDERS_READ"))).toEqual([]);
    }
  });

  const grant = (values: object) =>
    granted("postgresql_grant", { database: "orders", role: "alice", ...values });
  const schemaCreate =
    'CREATE on the schema "public" (what the grantee creates there outlives the grant, and runs for roles whose search_path holds it)';

  it("reads PostgreSQL CREATE on a schema or database as too wide, and passes USAGE and CONNECT", async () => {
    expect(
      await denials(grant({ schema: "public", object_type: "schema", privileges: ["USAGE", "create"] })),
    ).toEqual([tooWide("postgresql_grant.grant", schemaCreate)]);
    expect(await denials(grant({ object_type: "database", privileges: ["CREATE"] }))).toEqual([
      tooWide(
        "postgresql_grant.grant",
        'CREATE on the database "orders" (schemas the grantee creates there outlive the grant; one named after a role comes first in its search_path)',
      ),
    ]);
    expect(await denials(grant({ schema: "public", object_type: "schema", privileges: ["USAGE"] }))).toEqual(
      [],
    );
    expect(await denials(grant({ object_type: "database", privileges: ["CONNECT", "TEMPORARY"] }))).toEqual(
      [],
    );
    // CREATE on a table is no privilege PostgreSQL has; on tables, the others are read as before.
    expect(
      await denials(
        grant({ schema: "public", object_type: "table", objects: ["orders"], privileges: ["SELECT"] }),
      ),
    ).toEqual([]);
  });

  it("reads PostgreSQL TRIGGER on tables as too wide, granted or by default privileges", async () => {
    const trigger =
      'TRIGGER on tables of the schema "public" (a trigger the grantee adds runs its function as whoever writes the table, and outlives the grant)';
    expect(
      await denials(
        grant({
          schema: "public",
          object_type: "table",
          objects: ["orders"],
          privileges: ["SELECT", "trigger"],
        }),
      ),
    ).toEqual([tooWide("postgresql_grant.grant", trigger)]);
    expect(
      await denials(
        granted("postgresql_default_privileges", {
          database: "orders",
          role: "alice",
          owner: "app",
          schema: "public",
          object_type: "table",
          privileges: ["TRIG\u00a0GER"],
        }),
      ),
    ).toEqual([tooWide("postgresql_default_privileges.grant", trigger)]);
    expect(
      await denials(
        grant({
          schema: "public",
          object_type: "table",
          objects: ["orders"],
          privileges: ["SELECT", "UPDATE"],
        }),
      ),
    ).toEqual([]);
  });

  it("passes CREATE on a schema that scope.allow lists", async () => {
    const allowing = planDenials(resolveConfig({ scope: { allow: ["postgresql_grant.grant"] } }), () => t);
    expect(
      await allowing(grant({ schema: "public", object_type: "schema", privileges: ["CREATE"] })),
    ).toEqual([]);
  });
});
