import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/policy/index.js";
import {
  created,
  grantedAt,
  noGrant,
  planAt,
  planDenials,
  tooWide,
  webIdentityRole,
} from "../support/plan-denials.js";

// Red-team round 6: Vault types that gave access unseen (GitHub teams and users, auth method
// configuration, logins, plugins, issued certificates), auth roles written through a generic
// endpoint, JWT roles bound to no identity, Kubernetes roles selecting every namespace,
// AppRoles bound to halves of the Internet, and AWS web identity conditions on a policy
// variable. Crafted plan JSON checked through the real compiled bundle, default configuration.
const t = Math.floor(Date.now() / 1000) + 60;
const denials = planDenials(resolveConfig(), () => t);

/** A plan of one custom grant record owning `<type>.grant` holding `values`. */
const granted = (type: string, values: object) =>
  grantedAt(t, { kind: "custom", nativeExpiry: false }, [created(`${type}.grant`, type, values)]);
const standing = (type: string, values: object) => planAt(t, [created(`${type}.x`, type, values)]);

describe("round 6 hole 1: Vault types that gave access unseen", () => {
  it.each(["vault_github_team", "vault_github_user"])(
    "holds %s to a grant, reads its policies, and root as too wide",
    async (type) => {
      const values = { team: "ops", user: "alice", policies: ["orders-read"] };
      expect(await denials(standing(type, values))).toEqual([noGrant(`${type}.x`, type)]);
      expect(await denials(granted(type, values))).toEqual([]);
      expect(await denials(granted(type, { ...values, policies: ["orders-read", "root"] }))).toEqual([
        tooWide(`${type}.grant`, 'the Vault policy "root" (every path, every capability)'),
      ]);
    },
  );

  it.each([
    [
      "vault_kubernetes_auth_backend_config",
      { backend: "kubernetes", kubernetes_host: "https://k8s.example.com" },
      "where a Vault auth method checks its logins (its Kubernetes API and token reviewer), which tempgrant does not read",
    ],
    [
      "vault_aws_auth_backend_client",
      { backend: "aws", sts_endpoint: "https://sts.example.com" },
      "where a Vault auth method checks its logins (its AWS credentials and endpoints), which tempgrant does not read",
    ],
    [
      "vault_aws_auth_backend_sts_role",
      { backend: "aws", account_id: "123456789012", sts_role: "arn:aws:iam::123456789012:role/vault" },
      "where a Vault auth method checks its logins (an AWS account's role it assumes), which tempgrant does not read",
    ],
    [
      "vault_approle_auth_backend_login",
      { backend: "approle", role_id: "r", secret_id: "s" },
      "a Vault AppRole login, which holds a token tempgrant does not read",
    ],
    [
      "vault_plugin",
      { type: "secret", name: "p", command: "p", sha256: "00" },
      "a Vault plugin registered, code Vault runs that tempgrant does not read",
    ],
    [
      "vault_pki_secret_backend_cert",
      { backend: "pki", name: "web", common_name: "orders.example.com", ttl: "720h" },
      "a certificate issued by Vault's PKI, which outlives the grant",
    ],
  ])("holds %s to a grant, and reads it as too wide", async (type, values, what) => {
    expect(await denials(standing(type, values))).toEqual(
      [tooWide(`${type}.x`, what), noGrant(`${type}.x`, type)].sort(),
    );
    expect(await denials(granted(type, values))).toEqual([tooWide(`${type}.grant`, what)]);
  });
});

describe("round 6 hole 2: an auth role written through a generic endpoint", () => {
  const type = "vault_generic_endpoint";
  const write = (path: string, body: object = { bind_secret_id: false, token_policies: ["orders-read"] }) =>
    denials(granted(type, { path, data_json: JSON.stringify(body) }));
  const unread = (path: string) =>
    tooWide(
      `${type}.grant`,
      `an auth role written through a generic endpoint (path ${JSON.stringify(path)}), which tempgrant does not read; use the typed resource`,
    );

  it.each([
    "auth/approle/role/ci",
    "auth/jwt/roles/ci",
    "auth/cert/certs/web",
    "auth/token/roles/ci",
    "//Auth/AppRole/ROLE/ci",
    "team-a/auth/kubernetes/role/ci",
  ])("reads a write to %s as too wide", async (path) => {
    expect(await write(path)).toEqual([unread(path)]);
  });

  it("still reads a user's policies, and root in a role's", async () => {
    expect(
      await write("auth/userpass/users/alice", { password: "x", token_policies: ["orders-read"] }),
    ).toEqual([]);
    expect(await write("auth/approle/role/ci", { token_policies: ["root"] })).toEqual(
      [
        unread("auth/approle/role/ci"),
        tooWide(`${type}.grant`, 'the Vault policy "root" (every path, every capability)'),
      ].sort(),
    );
  });
});

describe("round 6 hole 3: a JWT or OIDC role bound to no identity", () => {
  const type = "vault_jwt_auth_backend_role";
  const role = (values: object) =>
    denials(granted(type, { role_name: "r", user_claim: "sub", token_policies: ["orders-read"], ...values }));
  const unbound = tooWide(
    `${type}.grant`,
    "Vault logins for any token its issuer signs (no bound_subject, nor bound_claims on one of sub, email, oid, upn, preferred_username, repository, repository_id, project_path, project_id; bound_audiences and other claims name no one)",
  );

  it.each([
    { bound_audiences: ["https://github.com/acme"] },
    { bound_audiences: ["vault"], role_type: "oidc" },
    { bound_claims: { ref: "refs/heads/main" }, bound_claims_type: "string" },
    { bound_claims: { repository_owner: "acme", environment: "prod" } },
    { bound_claims: { SUB: "repo:acme/orders:ref:refs/heads/main" } },
    { bound_subject: "\u200b" },
    { bound_subject: " ", bound_claims: { sub: [] } },
  ])("reads %j as too wide", async (values) => {
    expect(await role(values)).toEqual([unbound]);
  });

  it.each([
    { bound_subject: "repo:acme/orders:ref:refs/heads/main", bound_audiences: ["vault"] },
    { bound_claims: { ref: "refs/heads/main", repository: "acme/orders" } },
    { bound_claims: { project_path: "acme/orders" }, bound_audiences: ["vault"] },
    { bound_claims: { oid: "00000000-0000-0000-0000-000000000001" } },
  ])("passes %j", async (values) => {
    expect(await role(values)).toEqual([]);
  });
});

describe("round 6 hole 4: Kubernetes namespace selectors, AppRole CIDRs", () => {
  const k8s = "vault_kubernetes_auth_backend_role";
  const selected = (selector: unknown) =>
    denials(
      granted(k8s, {
        role_name: "r",
        bound_service_account_names: ["default"],
        bound_service_account_namespace_selector: selector,
        token_policies: ["orders-read"],
      }),
    );

  it.each([
    "{}",
    '{"matchLabels":{}}',
    "matchLabels: {}",
    "matchLabels:\n",
    "{",
    "matchExpressions:\n  - {key: team, operator: NotIn, values: [x]}",
    "namespaceSelector: {}",
  ])("reads the selector %j as too wide", async (selector) => {
    expect(await selected(selector)).toEqual([
      tooWide(
        `${k8s}.grant`,
        `Vault logins from any namespace bound_service_account_namespace_selector ${JSON.stringify(selector)} selects (no label it requires)`,
      ),
    ]);
  });

  it.each([
    "",
    '{"matchLabels":{"team":"orders"}}',
    "matchLabels:\n  team: orders\n",
    "matchExpressions:\n  - key: team\n    operator: In\n    values: [orders]\n",
  ])("passes the selector %j", async (selector) => {
    expect(await selected(selector)).toEqual([]);
  });

  const approle = "vault_approle_auth_backend_role";
  const open = tooWide(
    `${approle}.grant`,
    "Vault logins for whoever knows the AppRole's role ID (bind_secret_id = false, and no secret_id_bound_cidrs or token_bound_cidrs of an IPv4 /8 or IPv6 /32 or narrower)",
  );
  const bound = (cidrs: string[]) =>
    denials(
      granted(approle, {
        role_name: "r",
        bind_secret_id: false,
        secret_id_bound_cidrs: cidrs,
        token_policies: ["orders-read"],
      }),
    );

  it.each([
    [["0.0.0.0/1", "128.0.0.0/1"]],
    [["::/0"]],
    [["2000::/3"]],
    [["0.0.0.0/0.0.0.0"]],
    [["::ffff:0.0.0.0/96"]],
    [["::ffff:0:0/96"]],
    [["10.0.0.0/7"]],
    [["not-a-cidr"]],
  ])("reads CIDRs %j as not narrowing", async (cidrs) => {
    expect(await bound(cidrs)).toEqual([open]);
  });

  it.each([[["10.0.0.0/8"]], [["10.1.2.3"]], [["2001:db8::/32"]], [["0.0.0.0/1", "10.1.0.0/16"]]])(
    "passes CIDRs %j",
    async (cidrs) => {
      expect(await bound(cidrs)).toEqual([]);
    },
  );
});

describe("round 6 hole 5: an AWS web identity condition on a policy variable", () => {
  const gh = "token.actions.githubusercontent.com";
  const provider = `arn:aws:iam::123456789012:oidc-provider/${gh}`;
  const role = (condition: object) =>
    denials(grantedAt(t, { kind: "aws-iam", nativeExpiry: false }, [webIdentityRole(provider, condition)]));

  it.each([
    { StringEquals: { [`${gh}:sub`]: `\${${gh}:sub}` } },
    { StringLike: { [`${gh}:sub`]: `repo:\${${gh}:repository}:*` } },
  ])("reads %j as binding no one", async (condition) => {
    expect(await role(condition)).toEqual([
      tooWide(
        "aws_iam_role.ci",
        `Principal Federated "${provider}" without a condition on ${gh}:sub (anyone it signs in)`,
      ),
    ]);
  });

  it("passes a literal subject", async () => {
    expect(await role({ StringEquals: { [`${gh}:sub`]: "repo:acme/orders:ref:refs/heads/main" } })).toEqual(
      [],
    );
  });
});
