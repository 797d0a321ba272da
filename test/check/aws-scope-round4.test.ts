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

// Red-team round 4, AWS: resource policies, sharing and organization policies tempgrant did
// not read, public function URLs and objects, and CI trusts for any repository. Crafted plan
// JSON shaped as the AWS provider writes planned values, checked through the real compiled
// bundle with the default configuration.
const config = resolveConfig();

const t = Math.floor(Date.now() / 1000) + 60;
const denials = planDenials(config, () => t);
const account = "123456789012";

/** Plans of one AWS grant record owning changes (no native expiry: these carry none), or none. */
const { granted, standing } = plansAt(t, { kind: "aws-iam", nativeExpiry: false });

const awsPolicy = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const toRole = (action: string, resource: string) =>
  awsPolicy({
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${account}:role/reporting` },
    Action: action,
    Resource: resource,
  });
const toAnyone = (action: string, resource: string) =>
  awsPolicy({ Effect: "Allow", Principal: "*", Action: action, Resource: resource });

describe("round 4 hole 1: resource policies of SES, S3 Control and IoT", () => {
  const accessPoint = `arn:aws:s3:eu-west-1:${account}:accesspoint/ap`;
  const identity = `arn:aws:ses:eu-west-1:${account}:identity/example.com`;
  const resources: [string, (policy: string) => object, string, string][] = [
    ["aws_ses_identity_policy", (policy) => ({ identity, name: "p", policy }), "ses:SendEmail", identity],
    [
      "aws_sesv2_email_identity_policy",
      (policy) => ({ email_identity: "example.com", policy_name: "p", policy }),
      "ses:SendEmail",
      identity,
    ],
    [
      "aws_s3control_access_point_policy",
      (policy) => ({ access_point_arn: accessPoint, policy }),
      "s3:GetObject",
      `${accessPoint}/object/reports/*`,
    ],
    [
      "aws_s3control_bucket_policy",
      (policy) => ({ bucket: `arn:aws:s3-outposts:eu-west-1:${account}:outpost/op-1/bucket/b`, policy }),
      "s3-outposts:GetObject",
      `arn:aws:s3-outposts:eu-west-1:${account}:outpost/op-1/bucket/b/object/*`,
    ],
    [
      "aws_s3control_multi_region_access_point_policy",
      (policy) => ({ account_id: account, details: [{ name: "mrap", policy }] }),
      "s3:GetObject",
      `arn:aws:s3::${account}:accesspoint/mrap.mrap/object/*`,
    ],
    [
      "aws_s3control_object_lambda_access_point_policy",
      (policy) => ({ account_id: account, name: "olap", policy }),
      "s3-object-lambda:GetObject",
      `arn:aws:s3-object-lambda:eu-west-1:${account}:accesspoint/olap`,
    ],
  ];

  it.each(resources)(
    "refuses a standing %s, and passes it narrow in a grant",
    async (type, values, action, arn) => {
      const resource = created(`${type}.x`, type, values(toRole(action, arn)));
      expect(await denials(standing(resource))).toEqual([noGrant(`${type}.x`, type)]);
      expect(await denials(granted(resource))).toEqual([]);
    },
  );

  it.each(resources)(
    'reads Principal "*" and a wildcard action in %s as too wide',
    async (type, values, action, arn) => {
      const service = action.slice(0, action.indexOf(":"));
      const resource = created(`${type}.x`, type, values(toAnyone(`${service}:*`, arn)));
      expect(await denials(granted(resource))).toEqual([
        tooWide(`${type}.x`, `"${service}:*"`),
        tooWide(`${type}.x`, 'Principal "*" (anyone)'),
      ]);
    },
  );

  it("reads an unreadable document as too wide, and one known only after apply as unknown", async () => {
    const type = "aws_s3control_multi_region_access_point_policy";
    const unreadable = created(`${type}.x`, type, { details: [{ name: "mrap", policy: "{not json" }] });
    expect(await denials(granted(unreadable))).toEqual([
      tooWide(`${type}.x`, "a policy document tempgrant cannot read"),
    ]);
    const later = created(
      `${type}.x`,
      type,
      { details: [{ name: "mrap" }] },
      { details: [{ policy: true }] },
    );
    expect(await denials(standing(later))).toEqual([
      unknownAtPlan(`${type}.x`, type, "details[0].policy"),
      noGrant(`${type}.x`, type),
    ]);
  });

  const iotPolicy = (document: string) =>
    created("aws_iot_policy.p", "aws_iot_policy", { name: "sensors", policy: document });
  const attachment = created("aws_iot_policy_attachment.a", "aws_iot_policy_attachment", {
    policy: "sensors",
    target: `arn:aws:iot:eu-west-1:${account}:cert/abc`,
  });
  const iotStatement = (action: string, resource: string) =>
    awsPolicy({ Effect: "Allow", Action: action, Resource: resource });

  it("reads an IoT policy like an IAM policy: iot:* and Resource * are too wide, a named topic passes", async () => {
    expect(await denials(granted(iotPolicy(iotStatement("iot:*", "*")), attachment))).toEqual([
      tooWide("aws_iot_policy.p", '"iot:*"'),
      tooWide("aws_iot_policy.p", 'Resource "*"'),
    ]);
    const narrow = iotPolicy(
      iotStatement("iot:Publish", `arn:aws:iot:eu-west-1:${account}:topic/sensors/reading`),
    );
    expect(await denials(granted(narrow, attachment))).toEqual([]);
    // Outside a grant, the policy is no grant's own either.
    expect(await denials(standing(narrow, attachment))).toEqual([
      tooWide(
        "aws_iot_policy_attachment.a",
        "the IoT policy sensors, which this plan does not create for the grant",
      ),
      noGrant("aws_iot_policy.p", "aws_iot_policy"),
      noGrant("aws_iot_policy_attachment.a", "aws_iot_policy_attachment"),
    ]);
  });

  it("refuses attaching an IoT policy the plan does not create for the grant", async () => {
    expect(await denials(granted(attachment))).toEqual([
      tooWide(
        "aws_iot_policy_attachment.a",
        "the IoT policy sensors, which this plan does not create for the grant",
      ),
    ]);
  });
});

describe("round 4 hole 2: resources shared with other accounts (RAM)", () => {
  const share = `arn:aws:ram:eu-west-1:${account}:resource-share/s`;
  const association = (principal: string) =>
    created("aws_ram_principal_association.p", "aws_ram_principal_association", {
      principal,
      resource_share_arn: share,
    });
  const resource = created("aws_ram_resource_association.r", "aws_ram_resource_association", {
    resource_arn: `arn:aws:ec2:eu-west-1:${account}:subnet/subnet-1`,
    resource_share_arn: share,
  });
  const resourceShare = (external: boolean) =>
    created("aws_ram_resource_share.s", "aws_ram_resource_share", {
      name: "s",
      allow_external_principals: external,
      permission_arns: [],
    });

  it("refuses standing shares and associations, and passes sharing with one account in a grant", async () => {
    const changes = [resourceShare(false), association("999999999999"), resource];
    expect(await denials(standing(...changes))).toEqual([
      noGrant("aws_ram_principal_association.p", "aws_ram_principal_association"),
      noGrant("aws_ram_resource_association.r", "aws_ram_resource_association"),
      noGrant("aws_ram_resource_share.s", "aws_ram_resource_share"),
    ]);
    expect(await denials(granted(...changes))).toEqual([]);
  });

  it.each([
    "arn:aws:organizations::111111111111:organization/o-abc123",
    "arn:aws:organizations::111111111111:ou/o-abc123/ou-ab12-cd34",
  ])("reads sharing with %s, or with accounts outside the organization, as too wide", async (principal) => {
    expect(await denials(granted(resourceShare(true), association(principal)))).toEqual([
      tooWide(
        "aws_ram_principal_association.p",
        `sharing with ${principal} (every account of an organization or organizational unit)`,
      ),
      tooWide(
        "aws_ram_resource_share.s",
        "allow_external_principals (sharing with accounts outside the organization)",
      ),
    ]);
  });
});

describe("round 4 hole 3: organization policies (SCPs, RCPs) and their attachments", () => {
  const policy = created("aws_organizations_policy.scp", "aws_organizations_policy", {
    name: "deny-leaving",
    type: "SERVICE_CONTROL_POLICY",
    content: awsPolicy({ Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" }),
  });
  const attachment = created("aws_organizations_policy_attachment.a", "aws_organizations_policy_attachment", {
    policy_id: "p-abc",
    target_id: "ou-ab12-cd34",
  });
  const policyWide = tooWide(
    "aws_organizations_policy.scp",
    "an organization policy, which bounds what every account it is attached to may do",
  );
  const attachmentWide = tooWide(
    "aws_organizations_policy_attachment.a",
    "an organization policy attachment, which bounds what every account under its target may do",
  );

  it("refuses them outside a grant and reads them as too wide in one", async () => {
    expect(await denials(standing(policy, attachment))).toEqual([
      policyWide,
      attachmentWide,
      noGrant("aws_organizations_policy.scp", "aws_organizations_policy"),
      noGrant("aws_organizations_policy_attachment.a", "aws_organizations_policy_attachment"),
    ]);
    expect(await denials(granted(policy, attachment))).toEqual([policyWide, attachmentWide]);
  });

  it("passes them once listed in scope.allow, the reviewed way past", async () => {
    const allowed = planDenials(
      resolveConfig({
        scope: { allow: ["aws_organizations_policy.scp", "aws_organizations_policy_attachment.a"] },
      }),
      () => t,
    );
    expect(await allowed(granted(policy, attachment))).toEqual([]);
  });
});

describe("round 4 hole 4: Lambda function URLs anyone may invoke", () => {
  const url = (authorization: object, unknown: object = {}) =>
    created(
      "aws_lambda_function_url.u",
      "aws_lambda_function_url",
      { function_name: "billing", ...authorization },
      { function_arn: true, function_url: true, url_id: true, id: true, ...unknown },
    );

  it("leaves a URL IAM authorizes unprivileged", async () => {
    expect(await denials(standing(url({ authorization_type: "AWS_IAM" })))).toEqual([]);
  });

  it("makes a URL anyone may invoke privileged and too wide", async () => {
    const open = url({ authorization_type: "NONE" });
    const wide = tooWide(
      "aws_lambda_function_url.u",
      "a function URL anyone on the internet may invoke (authorization_type NONE)",
    );
    expect(await denials(standing(open))).toEqual([
      wide,
      noGrant("aws_lambda_function_url.u", "aws_lambda_function_url"),
    ]);
    expect(await denials(granted(open))).toEqual([wide]);
  });

  it("makes a URL whose authorization is known only after apply privileged, and denies the unknown", async () => {
    expect(await denials(standing(url({}, { authorization_type: true })))).toEqual([
      unknownAtPlan("aws_lambda_function_url.u", "aws_lambda_function_url", "authorization_type"),
      noGrant("aws_lambda_function_url.u", "aws_lambda_function_url"),
    ]);
  });

  // Principal "*" is read already (aws-scope.test.ts); a public URL's permission is wide too.
  it("reads a lambda permission for a function URL with no authorization as too wide", async () => {
    const values = { function_name: "billing", action: "lambda:InvokeFunctionUrl", principal: account };
    expect(
      await denials(
        granted(
          created("aws_lambda_permission.p", "aws_lambda_permission", {
            ...values,
            function_url_auth_type: "NONE",
          }),
        ),
      ),
    ).toEqual([
      tooWide("aws_lambda_permission.p", "a function URL anyone may call (function_url_auth_type NONE)"),
    ]);
  });
});

describe("round 4 hole 5: public S3 objects", () => {
  const object = (type: string, values: object, unknown: object = {}) =>
    created(`${type}.o`, type, { bucket: "ledger", key: "report.csv", ...values }, unknown);
  /** A plan with the configuration of `type.o`: `acl` left out (AWS computes it) unless in `acl`. */
  const configured = (type: string, change: object, acl: object = {}) => ({
    ...standing(change),
    configuration: {
      root_module: {
        resources: [
          {
            address: `${type}.o`,
            mode: "managed",
            type,
            name: "o",
            expressions: {
              bucket: { constant_value: "ledger" },
              key: { constant_value: "report.csv" },
              ...acl,
            },
          },
        ],
      },
    },
  });
  const types = ["aws_s3_object", "aws_s3_bucket_object", "aws_s3_object_copy"];

  it.each(types)("leaves a %s with no ACL, a private one, or one AWS computes unprivileged", async (type) => {
    expect(await denials(standing(object(type, { acl: null })))).toEqual([]);
    expect(await denials(standing(object(type, { acl: "private" })))).toEqual([]);
    expect(await denials(configured(type, object(type, {}, { acl: true })))).toEqual([]);
  });

  it.each(
    types.flatMap((type) =>
      ["public-read", "public-read-write", "authenticated-read"].map((acl) => [type, acl]),
    ),
  )("makes a %s with ACL %s privileged and too wide", async (type, acl) => {
    const wide = tooWide(`${type}.o`, `ACL "${acl}" (anyone)`);
    expect(await denials(standing(object(type, { acl })))).toEqual([wide, noGrant(`${type}.o`, type)]);
    expect(await denials(granted(object(type, { acl })))).toEqual([wide]);
  });

  it("makes a copy granting AllUsers privileged and too wide", async () => {
    const uri = "http://acs.amazonaws.com/groups/global/AllUsers";
    const copy = object("aws_s3_object_copy", {
      source: "other/report.csv",
      acl: null,
      grant: [{ type: "Group", uri, permissions: ["READ"], email: null, id: null }],
    });
    expect(await denials(standing(copy))).toEqual([
      tooWide("aws_s3_object_copy.o", `an ACL grant to ${uri} (anyone)`),
      noGrant("aws_s3_object_copy.o", "aws_s3_object_copy"),
    ]);
  });

  it("makes an object whose ACL is set by an expression known only after apply, or with no configuration to tell, privileged", async () => {
    const type = "aws_s3_object";
    const later = object(type, {}, { acl: true });
    for (const plan of [configured(type, later, { acl: { references: ["var.acl"] } }), standing(later)])
      expect(await denials(plan)).toEqual([
        unknownAtPlan(`${type}.o`, type, "acl"),
        noGrant(`${type}.o`, type),
      ]);
  });
});

describe("round 4 hole 6: CI trusts that any repository's workflow can assume", () => {
  const github = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
  const gitlab = `arn:aws:iam::${account}:oidc-provider/gitlab.com`;
  const trust = (federated: string, condition?: object) => granted(webIdentityRole(federated, condition));
  const audience = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

  it.each([
    [github, "token.actions.githubusercontent.com:sub", "repo:*"],
    [github, "token.actions.githubusercontent.com:sub", "repo:*/*"],
    [github, "token.actions.githubusercontent.com:sub", "repo:acme*"],
    [github, "token.actions.githubusercontent.com:sub", "repo:acme/*"],
    [github, "token.actions.githubusercontent.com:sub", "repo:acme/ledger*"],
    [github, "token.actions.githubusercontent.com:sub", "repo:acme/ledge?:ref:refs/heads/main"],
    [github, "token.actions.githubusercontent.com:sub", "*:ref:refs/heads/main"],
    [gitlab, "gitlab.com:sub", "project_path:*"],
    [gitlab, "gitlab.com:sub", "project_path:acme/*:ref_type:branch:ref:main"],
  ])("reads a trust in %s with %s like %s as too wide", async (federated, key, pattern) => {
    const condition = { StringEquals: audience, StringLike: { [key]: pattern } };
    expect(await denials(trust(federated, condition))).toEqual([
      tooWide(
        "aws_iam_role.ci",
        `Principal Federated "${federated}" with ${key} like "${pattern}" (other repositories match it)`,
      ),
    ]);
  });

  it("reads one loose pattern among the subjects as too wide: any of them matches", async () => {
    const subjects = ["repo:acme/ledger:ref:refs/heads/main", "repo:*"];
    const condition = { StringLike: { "token.actions.githubusercontent.com:sub": subjects } };
    expect(await denials(trust(github, condition))).toEqual([
      tooWide(
        "aws_iam_role.ci",
        `Principal Federated "${github}" with token.actions.githubusercontent.com:sub like "repo:*" (other repositories match it)`,
      ),
    ]);
  });

  it("still reads a trust with no subject condition as anyone it signs in", async () => {
    expect(
      await denials(trust(gitlab, { StringEquals: { "gitlab.com:aud": "https://gitlab.com" } })),
    ).toEqual([
      tooWide(
        "aws_iam_role.ci",
        `Principal Federated "${gitlab}" without a condition on gitlab.com:sub (anyone it signs in)`,
      ),
    ]);
  });

  it.each([
    [github, { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/ledger:*" } }],
    [
      github,
      { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/ledger:environment:prod" } },
    ],
    // StringEquals reads * as itself: only a subject spelt "repo:*" matches, which GitHub never issues.
    [github, { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } }],
    [
      `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com/acme-enterprise`,
      { StringLike: { "token.actions.githubusercontent.com/acme-enterprise:sub": "repo:acme/ledger:*" } },
    ],
    [gitlab, { StringLike: { "gitlab.com:sub": "project_path:acme/infra/ledger:ref_type:branch:ref:*" } }],
  ])("passes a trust in %s bound to one repository: %j", async (federated, condition) => {
    expect(await denials(trust(federated, condition))).toEqual([]);
  });
});
