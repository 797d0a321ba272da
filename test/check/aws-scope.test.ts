import { describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import { noGrant, planDenials, tooWide } from "../support/plan-denials.js";
import { aliceRecord } from "../support/grant-record.js";

// The red team's AWS findings: wildcards spelt another way, group and permission-set access,
// an imported policy passed off as the grant's own, inline policies without expiry, and
// resource-based policies. Crafted plan JSON shaped as the AWS provider writes planned values,
// checked by the real compiled bundle.
const config = resolveConfig();

const t = Math.floor(Date.now() / 1000) + 60;
const expiresAt = t + 3_600;
const expires = formatTimestamp(expiresAt);
const noExpiry = (address: string) =>
  `native-expiry/matches-record: ${address} of grant alice-read: it has no native expiry, not the record's expiry ${expires}`;

const denials = planDenials(config, () => t);

function record(resources: string[], nativeExpiry = true) {
  return change("terraform_data.grant", "terraform_data", {
    input: aliceRecord({
      id: "alice-read",
      target: "prod",
      expiresAt: expires,
      ticket: "INC-42",
      binding: "aws-iam",
      nativeExpiry,
      resources,
    }),
  });
}

function change(
  address: string,
  type: string,
  after: object,
  afterUnknown: object = {},
  actions: string[] = ["create"],
  extra: object = {},
) {
  const before = actions.includes("create") ? null : after;
  return {
    address,
    mode: "managed",
    type,
    name: address.split(".").pop(),
    change: { actions, before, after, after_unknown: afterUnknown, ...extra },
  };
}

const doc = (changes: object[], configuration?: object) => ({
  format_version: "1.2",
  timestamp: formatTimestamp(t),
  planned_values: {},
  resource_changes: changes,
  ...(configuration ? { configuration } : {}),
});

/** A JSON configuration (what cdktf writes) where `address`'s `attribute` is `${reference}` alone. */
const referring = (address: string, type: string, attribute: string, reference: string) => ({
  root_module: {
    resources: [
      {
        address,
        mode: "managed",
        type,
        name: address.split(".").pop(),
        expressions: {
          [attribute]: {
            constant_value: `\${${reference}}`,
            references: [reference, reference.replace(/\.[a-z_]+$/, "")],
          },
        },
      },
    ],
  },
});

const awsPolicy = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const condition = { DateLessThan: { "aws:CurrentTime": expires } };
const emitted = {
  Sid: "Tempgrantaliceread",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: ["arn:aws:s3:::ledger/*"],
  Condition: condition,
};

/** The AWS binding's pair: a policy, and an attachment of it by reference (ARN known after apply). */
function awsGrant(policy: string, extra: object[] = [], extraAddresses: string[] = []) {
  return doc(
    [
      record(["aws_iam_policy.grant", "aws_iam_user_policy_attachment.grant", ...extraAddresses]),
      change("aws_iam_policy.grant", "aws_iam_policy", { name: "p", policy }, { arn: true, id: true }),
      change(
        "aws_iam_user_policy_attachment.grant",
        "aws_iam_user_policy_attachment",
        { user: "alice" },
        { policy_arn: true, id: true },
      ),
      ...extra,
    ],
    referring(
      "aws_iam_user_policy_attachment.grant",
      "aws_iam_user_policy_attachment",
      "policy_arn",
      "aws_iam_policy.grant.arn",
    ),
  );
}

describe("legitimate narrow AWS access still passes", () => {
  it("passes the binding tempgrant writes: s3:GetObject on a prefix of a named bucket, with the expiry", async () => {
    expect(await denials(awsGrant(awsPolicy(emitted)))).toEqual([]);
  });

  it.each([
    "arn:aws:s3:::ledger/prefix/*",
    "arn:aws:s3:::ledger/reports-*",
    "arn:aws:s3:::ledger",
    "arn:aws:iam::123456789012:role/ops/*",
    "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
    "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/*",
    "arn:aws:lambda:eu-west-1:123456789012:function:billing:*",
  ])("passes a wildcard in the last segment of a named resource: %s", async (arn) => {
    expect(await denials(awsGrant(awsPolicy({ ...emitted, Resource: arn })))).toEqual([]);
  });
});

describe("finding 3: wildcards spelt another way", () => {
  it('reads "?" in an action as a wildcard: iam:? and iam:?? together match every iam action', async () => {
    expect(await denials(awsGrant(awsPolicy({ ...emitted, Action: ["iam:?", "iam:??"] })))).toEqual([
      tooWide("aws_iam_policy.grant", '"iam:?"'),
      tooWide("aws_iam_policy.grant", '"iam:??"'),
    ]);
  });

  it('reads "?" in the service of an action as a wildcard', async () => {
    expect(await denials(awsGrant(awsPolicy({ ...emitted, Action: "???:CreateAccessKey" })))).toEqual([
      tooWide("aws_iam_policy.grant", '"???:CreateAccessKey"'),
    ]);
  });

  it.each([
    "**",
    "?*",
    "arn:*",
    "arn:aws:s3:::**",
    "arn:aws:s3:::*/*",
    "arn:aws:s3:::ledger*",
    "arn:aws:s3:::ledger/*/secret",
    "arn:aws:s3:::ledger/?",
    "arn:aws:iam::*:role/*",
    "arn:aws:iam::123456789012:role/*",
    "arn:aws:*:*:*:*/*",
    "arn:aws:dynamodb:*:123456789012:table/orders",
  ])("reads Resource %s as a wildcard", async (arn) => {
    expect(await denials(awsGrant(awsPolicy({ ...emitted, Resource: arn })))).toEqual([
      tooWide("aws_iam_policy.grant", `Resource "${arn}"`),
    ]);
  });

  it.each([
    ["aws_iam_user_policy", { user: "alice" }],
    ["aws_iam_group_policy", { group: "ops" }],
    ["aws_iam_role_policy", { role: "ops" }],
  ])("reads the same wildcards in %s", async (type, owner) => {
    const inline = change(`${type}.x`, type, {
      ...owner,
      policy: awsPolicy({ ...emitted, Action: ["iam:?"], Resource: "arn:aws:s3:::**" }),
    });
    expect(await denials(awsGrant(awsPolicy(emitted), [inline], [`${type}.x`]))).toEqual([
      tooWide(`${type}.x`, '"iam:?"'),
      tooWide(`${type}.x`, 'Resource "arn:aws:s3:::**"'),
    ]);
  });

  it("reads a wildcard inside a principal's ARN as a wildcard (a trust policy for any account)", async () => {
    const role = change("aws_iam_role.r", "aws_iam_role", {
      name: "r",
      assume_role_policy: awsPolicy({
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { AWS: "arn:aws:iam::*:root" },
      }),
    });
    expect(await denials(awsGrant(awsPolicy(emitted), [role], ["aws_iam_role.r"]))).toEqual([
      tooWide("aws_iam_role.r", 'Principal "arn:aws:iam::*:root"'),
    ]);
  });
});

describe("finding 4: groups and permission sets the grant does not create", () => {
  const membership = change("aws_iam_user_group_membership.g", "aws_iam_user_group_membership", {
    user: "alice",
    groups: ["ops"],
  });

  it("refuses a user's membership of a group the plan does not create for the grant", async () => {
    expect(await denials(doc([record(["aws_iam_user_group_membership.g"], false), membership]))).toEqual([
      tooWide(
        "aws_iam_user_group_membership.g",
        "the group ops, which this plan does not create for the grant",
      ),
    ]);
  });

  it("reports group names as roles, so scope.forbiddenRoles apply (admin), even for the grant's own group", async () => {
    const admin = change("aws_iam_group.admin", "aws_iam_group", { name: "admin", path: "/" });
    const join = change("aws_iam_group_membership.g", "aws_iam_group_membership", {
      name: "m",
      group: "admin",
      users: ["alice"],
    });
    expect(
      await denials(doc([record(["aws_iam_group.admin", "aws_iam_group_membership.g"], false), admin, join])),
    ).toEqual([tooWide("aws_iam_group_membership.g", 'the role "admin"')]);
  });

  it("passes a membership of a group the same grant creates", async () => {
    const group = change("aws_iam_group.ops", "aws_iam_group", { name: "ops", path: "/" });
    expect(
      await denials(
        doc([record(["aws_iam_group.ops", "aws_iam_user_group_membership.g"], false), group, membership]),
      ),
    ).toEqual([]);
  });

  it("refuses a group the plan only keeps (no-op): the grant listing it did not make it", async () => {
    const group = change("aws_iam_group.ops", "aws_iam_group", { name: "ops", path: "/" }, {}, ["no-op"]);
    expect(
      await denials(
        doc([record(["aws_iam_group.ops", "aws_iam_user_group_membership.g"], false), group, membership]),
      ),
    ).toEqual([
      tooWide(
        "aws_iam_user_group_membership.g",
        "the group ops, which this plan does not create for the grant",
      ),
    ]);
  });

  const assignment = (permissionSet: object, unknown: object = {}) =>
    change(
      "aws_ssoadmin_account_assignment.a",
      "aws_ssoadmin_account_assignment",
      {
        instance_arn: "arn:aws:sso:::instance/ssoins-1",
        principal_id: "u-alice",
        principal_type: "USER",
        target_id: "123456789012",
        target_type: "AWS_ACCOUNT",
        ...permissionSet,
      },
      unknown,
    );

  it("refuses an account assignment of a permission set the grant does not create", async () => {
    const arn = "arn:aws:sso:::permissionSet/ssoins-1/ps-admin";
    expect(
      await denials(
        doc([record(["aws_ssoadmin_account_assignment.a"], false), assignment({ permission_set_arn: arn })]),
      ),
    ).toEqual([
      tooWide(
        "aws_ssoadmin_account_assignment.a",
        `the permission set ${arn}, which this plan does not create for the grant`,
      ),
    ]);
  });

  it("passes an assignment of the grant's own permission set, by reference (ARN known after apply)", async () => {
    const set = change(
      "aws_ssoadmin_permission_set.ps",
      "aws_ssoadmin_permission_set",
      { name: "ledger-read", instance_arn: "arn:aws:sso:::instance/ssoins-1" },
      { arn: true, id: true },
    );
    const plan = doc(
      [
        record(["aws_ssoadmin_permission_set.ps", "aws_ssoadmin_account_assignment.a"], false),
        set,
        assignment({}, { permission_set_arn: true, id: true }),
      ],
      referring(
        "aws_ssoadmin_account_assignment.a",
        "aws_ssoadmin_account_assignment",
        "permission_set_arn",
        "aws_ssoadmin_permission_set.ps.arn",
      ),
    );
    expect(await denials(plan)).toEqual([]);
  });

  it("names the grant's own permission set as a role, so scope.forbiddenRoles apply", async () => {
    const arn = "arn:aws:sso:::permissionSet/ssoins-1/ps-1";
    const set = change("aws_ssoadmin_permission_set.ps", "aws_ssoadmin_permission_set", {
      name: "admin",
      arn,
      instance_arn: "arn:aws:sso:::instance/ssoins-1",
    });
    const plan = doc([
      record(["aws_ssoadmin_permission_set.ps", "aws_ssoadmin_account_assignment.a"], false),
      set,
      assignment({ permission_set_arn: arn }),
    ]);
    expect(await denials(plan)).toEqual([tooWide("aws_ssoadmin_account_assignment.a", 'the role "admin"')]);
  });
});

describe("finding 6: an imported or unchanged policy is not the grant's own", () => {
  const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
  const everything = awsPolicy({ Effect: "Allow", Action: "*", Resource: "*" });
  const attach = (arn: string) =>
    change(
      "aws_iam_user_policy_attachment.grant",
      "aws_iam_user_policy_attachment",
      { user: "alice", policy_arn: arn },
      { id: true },
    );

  it("refuses attaching AdministratorAccess imported as the grant's aws_iam_policy (no-op)", async () => {
    const imported = change(
      "aws_iam_policy.grant",
      "aws_iam_policy",
      { name: "AdministratorAccess", arn: admin, policy: everything },
      {},
      ["no-op"],
      { importing: { id: admin } },
    );
    expect(
      await denials(
        doc([
          record(["aws_iam_policy.grant", "aws_iam_user_policy_attachment.grant"], false),
          imported,
          attach(admin),
        ]),
      ),
    ).toEqual([
      // The record's nativeExpiry false does not switch the AWS binding's lock off.
      noExpiry("aws_iam_policy.grant"),
      tooWide(
        "aws_iam_user_policy_attachment.grant",
        `the policy ${admin}, which this plan does not create for the grant`,
      ),
    ]);
  });

  it("refuses a customer policy the plan imports and updates, attached by its known ARN", async () => {
    const arn = "arn:aws:iam::123456789012:policy/shared-admin";
    const imported = change(
      "aws_iam_policy.grant",
      "aws_iam_policy",
      { name: "shared-admin", arn, policy: awsPolicy(emitted) },
      {},
      ["update"],
      { importing: { id: arn } },
    );
    expect(
      await denials(
        doc([
          record(["aws_iam_policy.grant", "aws_iam_user_policy_attachment.grant"], false),
          imported,
          attach(arn),
        ]),
      ),
    ).toEqual([
      tooWide(
        "aws_iam_user_policy_attachment.grant",
        `the policy ${arn}, which this plan does not create for the grant`,
      ),
    ]);
  });

  it("passes an attachment by known ARN of a policy the plan updates for the grant", async () => {
    const arn = "arn:aws:iam::123456789012:policy/tempgrant-alice-read";
    const updated = change(
      "aws_iam_policy.grant",
      "aws_iam_policy",
      { name: "p", arn, policy: awsPolicy(emitted) },
      {},
      ["update"],
    );
    expect(
      await denials(
        doc([record(["aws_iam_policy.grant", "aws_iam_user_policy_attachment.grant"]), updated, attach(arn)]),
      ),
    ).toEqual([]);
  });
});

describe("finding 11: inline policies outside the four policy types carry the expiry", () => {
  const trust = awsPolicy({
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Principal: { AWS: "arn:aws:iam::123456789012:user/alice" },
  });
  const role = (statement: object) =>
    change("aws_iam_role.r", "aws_iam_role", {
      name: "r",
      assume_role_policy: trust,
      inline_policy: [{ name: "x", policy: awsPolicy(statement) }],
    });
  const open = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::ledger/*" };

  it("refuses a role's inline_policy block without the grant's expiry", async () => {
    expect(await denials(awsGrant(awsPolicy(emitted), [role(open)], ["aws_iam_role.r"]))).toEqual([
      noExpiry("aws_iam_role.r"),
    ]);
  });

  it("passes a role's inline_policy block with the grant's expiry, and a role with no inline policy", async () => {
    expect(await denials(awsGrant(awsPolicy(emitted), [role(emitted)], ["aws_iam_role.r"]))).toEqual([]);
    const plain = change("aws_iam_role.r", "aws_iam_role", {
      name: "r",
      assume_role_policy: trust,
      inline_policy: [],
    });
    expect(await denials(awsGrant(awsPolicy(emitted), [plain], ["aws_iam_role.r"]))).toEqual([]);
  });

  const sso = (statement: object) =>
    change("aws_ssoadmin_permission_set_inline_policy.x", "aws_ssoadmin_permission_set_inline_policy", {
      inline_policy: awsPolicy(statement),
      permission_set_arn: "arn:aws:sso:::permissionSet/ssoins-1/ps-1",
      instance_arn: "arn:aws:sso:::instance/ssoins-1",
    });

  it("refuses an SSO permission set inline policy without the grant's expiry", async () => {
    const address = "aws_ssoadmin_permission_set_inline_policy.x";
    expect(await denials(awsGrant(awsPolicy(emitted), [sso(open)], [address]))).toEqual([noExpiry(address)]);
    expect(await denials(awsGrant(awsPolicy(emitted), [sso(emitted)], [address]))).toEqual([]);
  });
});

describe("finding 2: resource-based policies and other AWS access", () => {
  // Narrow content: these types give access by themselves, so a standing one needs a grant.
  const toRole = awsPolicy({
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:role/reporting" },
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::ledger/*",
  });

  it.each([
    ["aws_s3_bucket_policy", { bucket: "ledger", policy: toRole }],
    ["aws_s3_access_point", { bucket: "ledger", name: "ap", policy: toRole }],
    ["aws_secretsmanager_resource_policy", { secret_arn: "arn:s", policy: toRole }],
    ["aws_sqs_queue_policy", { queue_url: "https://q", policy: toRole }],
    ["aws_sns_topic_policy", { arn: "arn:t", policy: toRole }],
    ["aws_ecr_repository_policy", { repository: "r", policy: toRole }],
    ["aws_glue_resource_policy", { policy: toRole }],
    [
      "aws_lambda_permission",
      { function_name: "f", action: "lambda:InvokeFunction", principal: "123456789012" },
    ],
    ["aws_s3_bucket_acl", { bucket: "ledger", acl: "private" }],
    ["aws_kms_key", { policy: toRole }],
    ["aws_kms_key_policy", { key_id: "k", policy: toRole }],
  ])("refuses a standing %s", async (type, after) => {
    expect(await denials(doc([change(`${type}.x`, type, after)]))).toEqual([noGrant(`${type}.x`, type)]);
  });

  it("reads a granted resource policy's document: Principal and Action wildcards", async () => {
    const queue = change("aws_sqs_queue_policy.q", "aws_sqs_queue_policy", {
      queue_url: "https://q",
      policy: awsPolicy({
        Effect: "Allow",
        Principal: "*",
        Action: "sqs:*",
        Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
      }),
    });
    expect(await denials(doc([record(["aws_sqs_queue_policy.q"], false), queue]))).toEqual([
      tooWide("aws_sqs_queue_policy.q", '"sqs:*"'),
      tooWide("aws_sqs_queue_policy.q", 'Principal "*" (anyone)'),
    ]);
  });

  it("reads a granted lambda permission and bucket ACL for anyone", async () => {
    const permission = change("aws_lambda_permission.p", "aws_lambda_permission", {
      function_name: "f",
      action: "lambda:InvokeFunction",
      principal: "*",
    });
    const acl = change("aws_s3_bucket_acl.a", "aws_s3_bucket_acl", { bucket: "ledger", acl: "public-read" });
    expect(
      await denials(
        doc([record(["aws_lambda_permission.p", "aws_s3_bucket_acl.a"], false), permission, acl]),
      ),
    ).toEqual([
      tooWide("aws_lambda_permission.p", 'Principal "*" (anyone)'),
      tooWide("aws_s3_bucket_acl.a", 'ACL "public-read" (anyone)'),
    ]);
  });

  it("leaves a KMS key whose policy names only the account root and AWS services unprivileged", async () => {
    const key = change("aws_kms_key.k", "aws_kms_key", {
      description: "ledger",
      policy: awsPolicy(
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Effect: "Allow",
          Principal: { Service: "logs.amazonaws.com" },
          Action: "kms:Decrypt",
          Resource: "*",
        },
      ),
    });
    expect(await denials(doc([key]))).toEqual([]);
  });

  it('makes a KMS key whose policy names a role privileged, and reads Resource "*" there as the key itself', async () => {
    const policy = awsPolicy({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:role/alice" },
      Action: "kms:Decrypt",
      Resource: "*",
    });
    const key = change("aws_kms_key.k", "aws_kms_key", { description: "ledger", policy });
    expect(await denials(doc([key]))).toEqual([noGrant("aws_kms_key.k", "aws_kms_key")]);
    expect(await denials(doc([record(["aws_kms_key.k"], false), key]))).toEqual([]);
  });
});
