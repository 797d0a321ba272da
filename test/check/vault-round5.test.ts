import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/policy/index.js";
import { created, grantedAt, noGrant, planAt, planDenials, tooWide } from "../support/plan-denials.js";

// Red-team round 5: Vault auth roles that let anyone log in (globbed bounds, any AWS account,
// JWT and certificate roles bound to nothing, AppRoles needing no secret ID), token roles
// whose tokens outlive the grant, and tokens made from a role the plan does not create.
// Crafted plan JSON shaped as the Vault provider writes planned values, checked through the
// real compiled bundle with the default configuration.
const config = resolveConfig();
const t = Math.floor(Date.now() / 1000) + 60;
const denials = planDenials(config, () => t);

/** A plan of one grant record owning `<type>.grant`, and that resource. */
const granted = (type: string, values: object) =>
  grantedAt(t, { kind: "custom", nativeExpiry: false }, [created(`${type}.grant`, type, values)]);

/** The denials of `<type>.grant` holding `values` and ordinary policies, in a grant. */
const role = (type: string, values: object) =>
  denials(granted(type, { token_policies: ["orders-read"], ...values }));

const glob = (type: string, attribute: string, value: string) =>
  tooWide(
    `${type}.grant`,
    `Vault logins for anyone matching ${attribute} ${JSON.stringify(value)} (a glob, not one identity)`,
  );

describe("Vault auth roles that let anyone in (round 5)", () => {
  const jwt = "vault_jwt_auth_backend_role";

  it("reads a JWT role's globbed claim as too wide, and passes an exact or literal one", async () => {
    const claims = { role_name: "r", backend: "jwt", user_claim: "sub", bound_claims_type: "glob" };
    expect(await role(jwt, { ...claims, bound_claims: { sub: "repo:*" } })).toEqual([
      glob(jwt, 'bound_claims "sub"', "repo:*"),
    ]);
    expect(
      await role(jwt, { ...claims, bound_claims: { sub: "repo:acme/orders:ref:refs/heads/main" } }),
    ).toEqual([]);
    // Matched as strings, a "*" is only a character.
    expect(
      await role(jwt, { ...claims, bound_claims_type: "string", bound_claims: { sub: "repo:*" } }),
    ).toEqual([]);
    expect(await role(jwt, { role_name: "r", user_claim: "sub", bound_subject: "*" })).toEqual([
      glob(jwt, "bound_subject", "*"),
    ]);
  });

  it("reads a JWT role bound to no subject, claim or audience as too wide", async () => {
    expect(
      await role(jwt, { role_name: "r", user_claim: "sub", bound_audiences: [], bound_claims: {} }),
    ).toEqual([
      tooWide(
        `${jwt}.grant`,
        "Vault logins for any token its issuer signs (no bound_subject, nor bound_claims on one of sub, email, oid, upn, preferred_username, repository, repository_id, project_path, project_id; bound_audiences and other claims name no one)",
      ),
    ]);
    expect(
      await role(jwt, {
        role_name: "r",
        user_claim: "sub",
        bound_audiences: ["vault"],
        bound_subject: "u-1",
      }),
    ).toEqual([]);
  });

  it("reads a Kubernetes role for every service account or namespace as too wide", async () => {
    const k8s = "vault_kubernetes_auth_backend_role";
    expect(
      await role(k8s, {
        role_name: "r",
        bound_service_account_names: ["*"],
        bound_service_account_namespaces: ["*"],
      }),
    ).toEqual([
      glob(k8s, "bound_service_account_names", "*"),
      glob(k8s, "bound_service_account_namespaces", "*"),
    ]);
    expect(
      await role(k8s, {
        role_name: "r",
        bound_service_account_names: ["orders-reader"],
        bound_service_account_namespaces: ["orders"],
      }),
    ).toEqual([]);
  });

  it("reads an AWS role for principals of any account, or every principal of one, as too wide", async () => {
    const aws = "vault_aws_auth_backend_role";
    const any = (arn: string) =>
      tooWide(
        `${aws}.grant`,
        `Vault logins for any AWS principal matching bound_iam_principal_arns ${JSON.stringify(arn)} (a wildcard account, or every principal of one)`,
      );
    for (const arn of ["arn:aws:iam::*:role/*", "arn:aws:iam::*:role/ci", "arn:aws:iam::123456789012:role/*"])
      expect([
        arn,
        await role(aws, { role: "r", auth_type: "iam", bound_iam_principal_arns: [arn] }),
      ]).toEqual([arn, [any(arn)]]);
    expect(await role(aws, { role: "r", auth_type: "iam", bound_iam_principal_arns: ["*"] })).toEqual([
      glob(aws, "bound_iam_principal_arns", "*"),
    ]);
    for (const arn of ["arn:aws:iam::123456789012:role/ci-deployer", "arn:aws:iam::123456789012:role/ci-*"])
      expect([
        arn,
        await role(aws, { role: "r", auth_type: "iam", bound_iam_principal_arns: [arn] }),
      ]).toEqual([arn, []]);
  });

  it("reads a globbed bound of any other auth method's role as too wide", async () => {
    const gcp = "vault_gcp_auth_backend_role";
    expect(await role(gcp, { role: "r", type: "iam", bound_service_accounts: ["*"] })).toEqual([
      glob(gcp, "bound_service_accounts", "*"),
    ]);
    expect(
      await role(gcp, {
        role: "r",
        type: "iam",
        bound_service_accounts: ["orders@p.iam.gserviceaccount.com"],
      }),
    ).toEqual([]);
  });

  it("reads a certificate role that constrains no name as too wide", async () => {
    const cert = "vault_cert_auth_backend_role";
    const values = { name: "r", certificate: "-----BEGIN" };
    expect(await role(cert, { ...values, allowed_common_names: ["*"] })).toEqual([
      tooWide(
        `${cert}.grant`,
        'Vault logins for any certificate its CA signs (allowed_common_names "*" matches every name)',
      ),
    ]);
    expect(await role(cert, { ...values, allowed_names: [], allowed_dns_sans: [] })).toEqual([
      tooWide(
        `${cert}.grant`,
        "Vault logins for any certificate its CA signs (no allowed_names, allowed_common_names, allowed_dns_sans, allowed_email_sans, allowed_uri_sans, allowed_organizational_units, required_extensions)",
      ),
    ]);
    expect(await role(cert, { ...values, allowed_common_names: ["orders.example.com"] })).toEqual([]);
    expect(await role(cert, { ...values, allowed_dns_sans: ["*.orders.example.com"] })).toEqual([]);
  });

  it("reads an AppRole needing no secret ID, from any network, as too wide", async () => {
    const approle = "vault_approle_auth_backend_role";
    const open = tooWide(
      `${approle}.grant`,
      "Vault logins for whoever knows the AppRole's role ID (bind_secret_id = false, and no secret_id_bound_cidrs or token_bound_cidrs of an IPv4 /8 or IPv6 /32 or narrower)",
    );
    expect(await role(approle, { role_name: "r", bind_secret_id: false, token_bound_cidrs: [] })).toEqual([
      open,
    ]);
    expect(
      await role(approle, { role_name: "r", bind_secret_id: "false", secret_id_bound_cidrs: ["0.0.0.0/0"] }),
    ).toEqual([open]);
    expect(
      await role(approle, { role_name: "r", bind_secret_id: false, token_bound_cidrs: ["10.1.2.0/24"] }),
    ).toEqual([]);
    expect(await role(approle, { role_name: "r" })).toEqual([]);
  });
});

describe("Vault token roles and tokens made from them (round 5)", () => {
  const type = "vault_token_auth_backend_role";
  const address = `${type}.grant`;

  it("reads a token role whose tokens outlive the grant, or may be root, as too wide", async () => {
    expect(
      await denials(
        granted(type, { role_name: "r", allowed_policies: ["root"], orphan: true, token_period: 3600 }),
      ),
    ).toEqual(
      [
        tooWide(address, 'the Vault policy "root" (every path, every capability)'),
        tooWide(
          address,
          "orphan Vault tokens (token role orphan = true), which revoking their parent does not revoke",
        ),
        tooWide(address, "periodic Vault tokens (token role token_period 3600), which renew without end"),
        tooWide(
          address,
          "renewable Vault tokens without token_explicit_max_ttl, which renew past the grant (renewable = false, or set token_explicit_max_ttl)",
        ),
      ].sort(),
    );
    expect(
      await denials(
        granted(type, {
          role_name: "r",
          allowed_policies_glob: ["*"],
          renewable: true,
          token_explicit_max_ttl: 3600,
        }),
      ),
    ).toEqual([
      tooWide(
        address,
        'the Vault policy "root" through allowed_policies_glob "*" (every path, every capability)',
      ),
    ]);
  });

  it("passes a token role whose tokens end with the grant", async () => {
    const narrow = { role_name: "r", allowed_policies: ["orders-read"], orphan: false, token_period: 0 };
    expect(await denials(granted(type, { ...narrow, renewable: false }))).toEqual([]);
    expect(
      await denials(granted(type, { ...narrow, renewable: true, token_explicit_max_ttl: 3600 })),
    ).toEqual([]);
  });

  it("holds a token role to a grant", async () => {
    expect(
      await denials(planAt(t, [created(`${type}.x`, type, { role_name: "r", renewable: false })])),
    ).toEqual([noGrant(`${type}.x`, type)]);
  });

  const token = created("vault_token.grant", "vault_token", {
    policies: ["orders-read"],
    role_name: "r",
    renewable: false,
    ttl: "1h",
  });
  const unread = tooWide(
    "vault_token.grant",
    'a Vault token of the role "r" (a token role this plan does not create for the grant: its orphan, period and renewal are unread)',
  );
  const tokenRole = (address: string) =>
    created(address, type, { role_name: "r", allowed_policies: ["orders-read"], renewable: false });

  it("reads a token made from a role the plan does not create for the grant as too wide", async () => {
    expect(await denials(grantedAt(t, { kind: "custom", nativeExpiry: false }, [token]))).toEqual([unread]);
    // A role the plan creates outside the grant is not the grant's.
    const outside = grantedAt(t, { kind: "custom", nativeExpiry: false }, [token]);
    outside.resource_changes.push(tokenRole(`${type}.x`));
    expect(await denials(outside)).toEqual([noGrant(`${type}.x`, type), unread].sort());
    // One of another namespace is another role.
    const elsewhere = created(`${type}.grant`, type, {
      role_name: "r",
      namespace: "team-b",
      allowed_policies: ["orders-read"],
      renewable: false,
    });
    expect(await denials(grantedAt(t, { kind: "custom", nativeExpiry: false }, [token, elsewhere]))).toEqual([
      unread,
    ]);
  });

  it("passes a token made from a role the same grant creates (the role is judged itself)", async () => {
    expect(
      await denials(
        grantedAt(t, { kind: "custom", nativeExpiry: false }, [token, tokenRole(`${type}.grant`)]),
      ),
    ).toEqual([]);
  });
});
