import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/policy/index.js";
import {
  created,
  noGrant,
  planDenials,
  plansAt,
  tooWide,
  unknownAtPlan,
  webIdentityRole,
} from "../support/plan-denials.js";

// Red-team round 5, AWS: layers, endpoint services, CodeArtifact and SSM documents shared with
// other accounts, and web identity trusts with a wildcard subject in multi-tenant providers.
// Crafted plan JSON shaped as the AWS provider writes planned values, checked through the real
// compiled bundle with the default configuration.
const t = Math.floor(Date.now() / 1000) + 60;
const denials = planDenials(resolveConfig(), () => t);
/** Plans of one AWS grant record owning changes (no native expiry: these carry none), or none. */
const { granted, standing } = plansAt(t, { kind: "aws-iam", nativeExpiry: false });
const account = "123456789012";
const awsPolicy = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("round 5 hole 1: layers, endpoint services, CodeArtifact and SSM documents shared", () => {
  const layer = (values: object) =>
    created("aws_lambda_layer_version_permission.l", "aws_lambda_layer_version_permission", {
      layer_name: `arn:aws:lambda:eu-west-1:${account}:layer:tools`,
      version_number: 1,
      statement_id: "share",
      action: "lambda:GetLayerVersion",
      ...values,
    });

  it("refuses a standing layer permission, and passes one to an account in a grant", async () => {
    const narrow = layer({ principal: "111111111111" });
    expect(await denials(standing(narrow))).toEqual([
      noGrant("aws_lambda_layer_version_permission.l", "aws_lambda_layer_version_permission"),
    ]);
    expect(await denials(granted(narrow))).toEqual([]);
  });

  it.each([
    [{ principal: "*" }, 'Principal "*" (every AWS account)'],
    [
      { principal: "*", organization_id: "o-abc123" },
      "sharing with the organization o-abc123 (every account of it)",
    ],
  ])("reads a layer permission %j as too wide", async (values, what) => {
    expect(await denials(granted(layer(values)))).toEqual([
      tooWide("aws_lambda_layer_version_permission.l", what),
    ]);
  });

  const allowed = (principal: string) =>
    created("aws_vpc_endpoint_service_allowed_principal.p", "aws_vpc_endpoint_service_allowed_principal", {
      vpc_endpoint_service_id: "vpce-svc-1",
      principal_arn: principal,
    });
  const service = (principals: string[]) =>
    created("aws_vpc_endpoint_service.s", "aws_vpc_endpoint_service", {
      acceptance_required: false,
      network_load_balancer_arns: [`arn:aws:elasticloadbalancing:eu-west-1:${account}:loadbalancer/net/n/1`],
      allowed_principals: principals,
    });

  it("refuses a standing endpoint service principal, and passes an account's root in a grant", async () => {
    const narrow = allowed("arn:aws:iam::111111111111:root");
    expect(await denials(standing(narrow))).toEqual([
      noGrant("aws_vpc_endpoint_service_allowed_principal.p", "aws_vpc_endpoint_service_allowed_principal"),
    ]);
    expect(await denials(granted(narrow))).toEqual([]);
    expect(await denials(granted(allowed("*")))).toEqual([
      tooWide(
        "aws_vpc_endpoint_service_allowed_principal.p",
        'the principal "*" (every AWS account may connect)',
      ),
    ]);
  });

  it("reads an endpoint service by whom it allows: none is not privileged, another account is", async () => {
    expect(await denials(standing(service([])))).toEqual([]);
    // allowed_principals is optional and computed: left out of the configuration, it is
    // known only after apply and says nothing; with nothing to tell, it is unknown access.
    const unset = created(
      "aws_vpc_endpoint_service.s",
      "aws_vpc_endpoint_service",
      { acceptance_required: true },
      { allowed_principals: true },
    );
    const configuration = {
      root_module: {
        resources: [
          {
            address: "aws_vpc_endpoint_service.s",
            mode: "managed",
            type: "aws_vpc_endpoint_service",
            name: "s",
            expressions: { acceptance_required: { constant_value: true } },
          },
        ],
      },
    };
    expect(await denials({ ...standing(unset), configuration })).toEqual([]);
    expect(await denials(standing(unset))).toEqual([
      unknownAtPlan("aws_vpc_endpoint_service.s", "aws_vpc_endpoint_service", "allowed_principals"),
      noGrant("aws_vpc_endpoint_service.s", "aws_vpc_endpoint_service"),
    ]);
    expect(await denials(standing(service(["arn:aws:iam::111111111111:root"])))).toEqual([
      noGrant("aws_vpc_endpoint_service.s", "aws_vpc_endpoint_service"),
    ]);
    expect(await denials(granted(service(["arn:aws:iam::111111111111:root"])))).toEqual([]);
    expect(await denials(granted(service(["arn:aws:iam::111111111111:root", "*"])))).toEqual([
      tooWide("aws_vpc_endpoint_service.s", 'the principal "*" (every AWS account may connect)'),
    ]);
  });

  const domain = `arn:aws:codeartifact:eu-west-1:${account}:domain/acme`;
  const repository = `arn:aws:codeartifact:eu-west-1:${account}:repository/acme/libs`;
  it.each([
    [
      "aws_codeartifact_domain_permissions_policy",
      { domain: "acme" },
      "codeartifact:GetAuthorizationToken",
      domain,
    ],
    [
      "aws_codeartifact_repository_permissions_policy",
      { domain: "acme", repository: "libs" },
      "codeartifact:ReadFromRepository",
      repository,
    ],
  ])("reads %s as a resource policy", async (type, values, action, arn) => {
    const policy = (principal: unknown, actions: string) =>
      created(`${type}.p`, type, {
        ...values,
        policy_document: awsPolicy({ Effect: "Allow", Principal: principal, Action: actions, Resource: arn }),
      });
    const narrow = policy({ AWS: `arn:aws:iam::${account}:role/builder` }, action);
    expect(await denials(standing(narrow))).toEqual([noGrant(`${type}.p`, type)]);
    expect(await denials(granted(narrow))).toEqual([]);
    expect(await denials(granted(policy("*", "codeartifact:*")))).toEqual([
      tooWide(`${type}.p`, '"codeartifact:*"'),
      tooWide(`${type}.p`, 'Principal "*" (anyone)'),
    ]);
  });

  const document = (permissions?: object, unknown: object = {}) =>
    created(
      "aws_ssm_document.d",
      "aws_ssm_document",
      {
        name: "patch",
        document_type: "Command",
        content: "{}",
        ...(permissions ? { permissions } : {}),
      },
      unknown,
    );

  it("reads an SSM document by whom it is shared with: none is not privileged", async () => {
    expect(await denials(standing(document()))).toEqual([]);
    const shared = document({ type: "Share", account_ids: "111111111111,222222222222" });
    expect(await denials(standing(shared))).toEqual([noGrant("aws_ssm_document.d", "aws_ssm_document")]);
    expect(await denials(granted(shared))).toEqual([]);
    expect(await denials(standing(document(undefined, { permissions: true })))).toEqual([
      unknownAtPlan("aws_ssm_document.d", "aws_ssm_document", "permissions"),
      noGrant("aws_ssm_document.d", "aws_ssm_document"),
    ]);
  });

  it.each(["All", "all", "111111111111,All"])(
    'reads an SSM document shared with account_ids "%s" as too wide',
    async (accounts) => {
      expect(await denials(granted(document({ type: "Share", account_ids: accounts })))).toEqual([
        tooWide(
          "aws_ssm_document.d",
          'permissions account_ids "All" (every AWS account may run the document)',
        ),
      ]);
    },
  );
});

describe("round 5 hole 2: web identity trusts with a wildcard subject", () => {
  const oidc = (host: string) => `arn:aws:iam::${account}:oidc-provider/${host}`;
  const trust = (federated: string, condition: object) => granted(webIdentityRole(federated, condition));
  const eks = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";

  it.each([
    [oidc("app.terraform.io"), "app.terraform.io:sub", "organization:*:project:*:workspace:*:run_phase:*"],
    [oidc("app.terraform.io"), "app.terraform.io:sub", "organization:acme:project:*:workspace:*:run_phase:*"],
    [oidc("app.terraform.io"), "app.terraform.io:sub", "organization:acme:project:infra:workspace:prod*"],
    [oidc("agent.buildkite.com"), "agent.buildkite.com:sub", "organization:*"],
    [oidc(eks), `${eks}:sub`, "system:serviceaccount:*:*"],
    [oidc(eks), `${eks}:sub`, "system:serviceaccount:ci:*"],
    ["accounts.google.com", "accounts.google.com:sub", "*1*"],
    [oidc("gitlab.acme.io"), "gitlab.acme.io:sub", "project_path:*"],
    [oidc("gitlab.com:443"), "gitlab.com:443:sub", "project_path:*"],
  ])("reads a trust in %s with %s like %s as too wide", async (federated, key, pattern) => {
    expect(await denials(trust(federated, { StringLike: { [key]: pattern } }))).toEqual([
      tooWide(
        "aws_iam_role.ci",
        `Principal Federated "${federated}" with ${key} like "${pattern}" (other subjects match it)`,
      ),
    ]);
  });

  it("reads a trust bound only by an audience, exact or a wildcard, as anyone: an app's audience names no one", async () => {
    for (const aud of ["1234*.apps.googleusercontent.com", "1234.apps.googleusercontent.com"])
      expect(
        await denials(trust("accounts.google.com", { StringLike: { "accounts.google.com:aud": aud } })),
      ).toEqual([
        tooWide(
          "aws_iam_role.ci",
          'Principal Federated "accounts.google.com" without a condition on accounts.google.com:sub (anyone it signs in)',
        ),
      ]);
  });

  const pool = { "cognito-identity.amazonaws.com:aud": "eu-west-1:pool" };
  it.each([
    [
      { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "unauthenticated" } },
      "unauthenticated",
    ],
    [{ "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": ["authenticated", "*"] } }, "*"],
    [
      { StringEqualsIgnoreCase: { "cognito-identity.amazonaws.com:amr": "Unauthenticated" } },
      "Unauthenticated",
    ],
  ])("reads a Cognito trust admitting unauthenticated identities as too wide: %j", async (amr, value) => {
    expect(await denials(trust("cognito-identity.amazonaws.com", { StringEquals: pool, ...amr }))).toEqual([
      tooWide(
        "aws_iam_role.ci",
        `Principal Federated "cognito-identity.amazonaws.com" with cognito-identity.amazonaws.com:amr "${value}" (the pool's unauthenticated identities: anyone)`,
      ),
    ]);
  });

  it.each([
    [
      oidc("app.terraform.io"),
      {
        StringLike: { "app.terraform.io:sub": "organization:acme:project:infra:workspace:prod:run_phase:*" },
      },
    ],
    [oidc("agent.buildkite.com"), { StringEquals: { "agent.buildkite.com:sub": "organization:*" } }],
    [oidc(eks), { StringEquals: { [`${eks}:sub`]: "system:serviceaccount:ci:deployer" } }],
    [oidc(eks), { StringLike: { [`${eks}:sub`]: "system:serviceaccount:ci:deployer" } }],
    [
      "accounts.google.com",
      {
        StringEquals: { "accounts.google.com:aud": "1234.apps.googleusercontent.com" },
        StringLike: { "accounts.google.com:sub": "110169484474386276334" },
      },
    ],
    [
      "cognito-identity.amazonaws.com",
      {
        StringEquals: {
          ...pool,
          "cognito-identity.amazonaws.com:sub": "eu-west-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        },
        "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
        StringNotEquals: { "cognito-identity.amazonaws.com:amr": "unauthenticated" },
      },
    ],
  ])("passes a trust in %s bound to one subject: %j", async (federated, condition) => {
    expect(await denials(trust(federated, condition))).toEqual([]);
  });
});
