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

/** The message of `scope/grantee-is-principal` for alice's grant giving access to `grantee`. */
const notPrincipal = (address: string, grantee: string) =>
  `scope/grantee-is-principal: ${address} of grant alice-read gives access to "${grantee}", not to the grant's principal alice@example.com: a grant's access goes to the person approved`;

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
        { user: "alice@example.com" },
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
    ["aws_iam_user_policy", { user: "alice@example.com" }],
    ["aws_iam_group_policy", { group: "ops" }],
    ["aws_iam_role_policy", { role: "alice@example.com" }],
  ])("reads the same wildcards in %s", async (type, owner) => {
    const inline = change(`${type}.x`, type, {
      ...owner,
      policy: awsPolicy({ ...emitted, Action: ["iam:?"], Resource: "arn:aws:s3:::**" }),
    });
    expect(await denials(awsGrant(awsPolicy(emitted), [inline], [`${type}.x`]))).toEqual([
      // A group is never the grant's principal.
      ...(type === "aws_iam_group_policy" ? [notPrincipal(`${type}.x`, "group:ops")] : []),
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
    user: "alice@example.com",
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
      users: ["alice@example.com"],
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
      { user: "alice@example.com", policy_arn: arn },
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

/** The message of `unknown/known-at-plan` for `path` of a resource. */
const unknownAtPlan = (address: string, type: string, path: string) =>
  `unknown/known-at-plan: ${address} (${type}): ${path} is known only after apply; access must be decided when the plan is checked`;

/** An existing resource the plan updates in place: its values (the policy among them) known from state. */
const updated = (address: string, type: string, values: object) =>
  change(address, type, values, {}, ["update"]);

const account = "123456789012";
const toAnyone = (action: string) =>
  awsPolicy({ Effect: "Allow", Principal: "*", Action: action, Resource: "*" });
const toAccountAndService = awsPolicy(
  { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sqs:*", Resource: "*" },
  { Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" },
);
const toOneRole = awsPolicy({
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${account}:role/reporting` },
  Action: "sqs:ReceiveMessage",
  Resource: `arn:aws:sqs:eu-west-1:${account}:orders`,
});

describe("r2b finding A: resource policies held inline by queues, topics, secrets and buckets", () => {
  it.each([
    ["aws_sqs_queue", { name: "q" }, "policy", "sqs:SendMessage"],
    ["aws_sns_topic", { name: "t" }, "policy", "sns:Publish"],
    ["aws_secretsmanager_secret", { name: "s" }, "policy", "secretsmanager:GetSecretValue"],
    ["aws_s3_bucket", { bucket: "ledger" }, "policy", "s3:GetObject"],
    ["aws_glacier_vault", { name: "v" }, "access_policy", "glacier:InitiateJob"],
  ])(
    'makes a standing %s whose inline policy names Principal "*" privileged',
    async (type, values, attribute, action) => {
      const address = `${type}.x`;
      const resource = change(address, type, { ...values, [attribute]: toAnyone(action) });
      expect(await denials(doc([resource]))).toEqual([
        tooWide(address, 'Principal "*" (anyone)'),
        noGrant(address, type),
      ]);
    },
  );

  it.each(["public-read-write", "public-read"])(
    "makes a standing aws_s3_bucket with ACL %s privileged",
    async (acl) => {
      const bucket = updated("aws_s3_bucket.b", "aws_s3_bucket", { bucket: "ledger", acl, policy: "" });
      expect(await denials(doc([bucket]))).toEqual([
        tooWide("aws_s3_bucket.b", `ACL "${acl}" (anyone)`),
        noGrant("aws_s3_bucket.b", "aws_s3_bucket"),
      ]);
    },
  );

  it("makes a queue whose policy names one role privileged: it needs a grant, and passes in one", async () => {
    const queue = change("aws_sqs_queue.q", "aws_sqs_queue", { name: "orders", policy: toOneRole });
    expect(await denials(doc([queue]))).toEqual([noGrant("aws_sqs_queue.q", "aws_sqs_queue")]);
    expect(await denials(doc([record(["aws_sqs_queue.q"], false), queue]))).toEqual([]);
  });

  it("leaves unprivileged a queue naming only the account root and an AWS service, a private bucket, and a topic's default policy", async () => {
    const queue = change("aws_sqs_queue.q", "aws_sqs_queue", { name: "orders", policy: toAccountAndService });
    const bucket = updated("aws_s3_bucket.b", "aws_s3_bucket", {
      bucket: "ledger",
      acl: "private",
      policy: "",
    });
    // What SNS gives every topic: anyone, but only of the owner account.
    const topic = updated("aws_sns_topic.t", "aws_sns_topic", {
      name: "t",
      policy: JSON.stringify({
        Version: "2008-10-17",
        Id: "__default_policy_ID",
        Statement: [
          {
            Sid: "__default_statement_ID",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["SNS:GetTopicAttributes", "SNS:Publish", "SNS:Subscribe"],
            Resource: `arn:aws:sns:eu-west-1:${account}:t`,
            Condition: { StringEquals: { "AWS:SourceOwner": account } },
          },
        ],
      }),
    });
    expect(await denials(doc([queue, bucket, topic]))).toEqual([]);
  });
});

describe("r2b finding B: other resource policies, shared images and snapshots, EKS access", () => {
  const toRole = awsPolicy({
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${account}:role/reporting` },
    Action: "es:ESHttpGet",
    Resource: `arn:aws:es:eu-west-1:${account}:domain/d/*`,
  });

  it.each([
    ["aws_opensearch_domain_policy", { domain_name: "d", access_policies: toRole }],
    ["aws_elasticsearch_domain_policy", { domain_name: "d", access_policies: toRole }],
    ["aws_efs_file_system_policy", { file_system_id: "fs-1", policy: toRole }],
    ["aws_backup_vault_policy", { backup_vault_name: "v", policy: toRole }],
    ["aws_dynamodb_resource_policy", { resource_arn: "arn:t", policy: toRole }],
    ["aws_ecr_registry_policy", { policy: toRole }],
    ["aws_api_gateway_rest_api_policy", { rest_api_id: "a", policy: toRole }],
    ["aws_cloudwatch_log_resource_policy", { policy_name: "p", policy_document: toRole }],
    ["aws_kinesis_resource_policy", { resource_arn: "arn:k", policy: toRole }],
    ["aws_cloudwatch_event_bus_policy", { event_bus_name: "b", policy: toRole }],
    ["aws_glacier_vault", { name: "v", access_policy: toRole }],
    ["aws_ami_launch_permission", { image_id: "ami-1", account_id: "999999999999" }],
    ["aws_ebs_snapshot_create_volume_permission", { snapshot_id: "snap-1", account_id: "999999999999" }],
    ["aws_db_snapshot", { db_snapshot_identifier: "s", shared_accounts: ["999999999999"] }],
    ["aws_db_cluster_snapshot", { db_cluster_snapshot_identifier: "s", shared_accounts: ["999999999999"] }],
    [
      "aws_eks_access_entry",
      { cluster_name: "c", principal_arn: "arn:aws:iam::1:user/m", kubernetes_groups: ["readers"] },
    ],
    [
      "aws_eks_access_policy_association",
      {
        cluster_name: "c",
        principal_arn: "arn:aws:iam::1:user/m",
        policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
      },
    ],
  ])("refuses a standing %s", async (type, after) => {
    expect(await denials(doc([change(`${type}.x`, type, after)]))).toEqual([noGrant(`${type}.x`, type)]);
  });

  it("leaves a snapshot shared with no account and a vault with no access policy unprivileged", async () => {
    const snapshot = change("aws_db_snapshot.s", "aws_db_snapshot", {
      db_snapshot_identifier: "s",
      shared_accounts: [],
    });
    const vault = updated("aws_glacier_vault.v", "aws_glacier_vault", { name: "v", access_policy: "" });
    expect(await denials(doc([snapshot, vault]))).toEqual([]);
  });

  it("reads a granted snapshot or image shared with every account as too wide", async () => {
    const snapshot = change("aws_db_snapshot.s", "aws_db_snapshot", {
      db_snapshot_identifier: "s",
      shared_accounts: ["all"],
    });
    const image = change("aws_ami_launch_permission.i", "aws_ami_launch_permission", {
      image_id: "ami-1",
      group: "all",
    });
    expect(
      await denials(
        doc([record(["aws_db_snapshot.s", "aws_ami_launch_permission.i"], false), snapshot, image]),
      ),
    ).toEqual([
      tooWide("aws_ami_launch_permission.i", 'group "all" (every AWS account)'),
      tooWide("aws_db_snapshot.s", 'shared_accounts "all" (every AWS account)'),
    ]);
  });

  it("reads EKS system:masters and the admin access policies as too wide, a view policy as narrow", async () => {
    const entry = change("aws_eks_access_entry.e", "aws_eks_access_entry", {
      cluster_name: "c",
      principal_arn: "arn:aws:iam::123456789012:user/alice",
      kubernetes_groups: ["system:masters"],
    });
    const association = (name: string) =>
      change("aws_eks_access_policy_association.a", "aws_eks_access_policy_association", {
        cluster_name: "c",
        principal_arn: "arn:aws:iam::123456789012:user/alice",
        policy_arn: `arn:aws:eks::aws:cluster-access-policy/${name}`,
        access_scope: [{ type: "cluster" }],
      });
    const grant = (...changes: object[]) =>
      doc([
        record(
          changes.map((c) => (c as { address: string }).address),
          false,
        ),
        ...changes,
      ]);
    expect(await denials(grant(entry, association("AmazonEKSClusterAdminPolicy")))).toEqual([
      tooWide(
        "aws_eks_access_entry.e",
        'the Kubernetes group "system:masters" (every permission on the cluster)',
      ),
      tooWide(
        "aws_eks_access_policy_association.a",
        "the EKS access policy AmazonEKSClusterAdminPolicy (an administrator)",
      ),
    ]);
    expect(await denials(grant(association("AmazonEKSAdminPolicy")))).toEqual([
      tooWide(
        "aws_eks_access_policy_association.a",
        "the EKS access policy AmazonEKSAdminPolicy (an administrator)",
      ),
    ]);
    expect(await denials(grant(association("AmazonEKSViewPolicy")))).toEqual([]);
  });
});

describe("r2b finding C: a resource policy known only after apply", () => {
  it.each([
    ["aws_kms_key", { description: "k" }],
    ["aws_kms_key_policy", { key_id: "k" }],
    ["aws_sqs_queue", { name: "q" }],
  ])(
    "makes a standing %s with its policy unknown at plan time privileged, and denies the unknown",
    async (type, after) => {
      const address = `${type}.x`;
      const resource = change(address, type, after, { policy: true, arn: true, id: true });
      expect(await denials(doc([resource]))).toEqual([
        unknownAtPlan(address, type, "policy"),
        noGrant(address, type),
      ]);
    },
  );

  it("denies a key's policy changed from the account root's to one known only after apply", async () => {
    const before = awsPolicy({
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: "kms:*",
      Resource: "*",
    });
    const key = {
      ...change("aws_kms_key.k", "aws_kms_key", {}, { policy: true }, ["update"]),
    };
    key.change = { ...key.change, before: { description: "k", policy: before }, after: { description: "k" } };
    expect(await denials(doc([key]))).toEqual([
      unknownAtPlan("aws_kms_key.k", "aws_kms_key", "policy"),
      noGrant("aws_kms_key.k", "aws_kms_key"),
    ]);
    // In a grant, the unknown policy is still denied: what it allows is decided after the check.
    expect(await denials(doc([record(["aws_kms_key.k"], false), key]))).toEqual([
      unknownAtPlan("aws_kms_key.k", "aws_kms_key", "policy"),
    ]);
  });
});

describe("r2b finding D: trust policies for any web identity, and every SSO role", () => {
  const role = (statement: object) =>
    doc([
      record(["aws_iam_role.grant"], false),
      change("aws_iam_role.grant", "aws_iam_role", { name: "r", assume_role_policy: awsPolicy(statement) }),
    ]);
  const webIdentity = (federated: string, condition?: object) => ({
    Effect: "Allow",
    Principal: { Federated: federated },
    Action: "sts:AssumeRoleWithWebIdentity",
    ...(condition ? { Condition: condition } : {}),
  });
  const github = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;

  it.each([
    ["accounts.google.com", undefined, "accounts.google.com:sub"],
    ["cognito-identity.amazonaws.com", undefined, "cognito-identity.amazonaws.com:sub"],
    ["accounts.google.com", { StringLike: { "accounts.google.com:aud": "*" } }, "accounts.google.com:sub"],
    // An app's audience admits every account that signs in to the app: it names no one.
    [
      "accounts.google.com",
      { StringEquals: { "accounts.google.com:aud": "1234.apps.googleusercontent.com" } },
      "accounts.google.com:sub",
    ],
    [
      "cognito-identity.amazonaws.com",
      { StringEquals: { "cognito-identity.amazonaws.com:aud": "eu-west-1:pool" } },
      "cognito-identity.amazonaws.com:sub",
    ],
    [
      github,
      { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
      "token.actions.githubusercontent.com:sub",
    ],
  ])("reads a trust in %s without a binding condition as anyone (%j)", async (federated, condition, keys) => {
    expect(await denials(role(webIdentity(federated, condition)))).toEqual([
      tooWide(
        "aws_iam_role.grant",
        `Principal Federated "${federated}" without a condition on ${keys} (anyone it signs in)`,
      ),
    ]);
  });

  it("passes a web identity trust bound to one subject or repository", async () => {
    for (const [federated, condition] of [
      [
        "accounts.google.com",
        {
          StringEquals: {
            "accounts.google.com:aud": "1234.apps.googleusercontent.com",
            "accounts.google.com:sub": "110169484474386276334",
          },
        },
      ],
      [
        "cognito-identity.amazonaws.com",
        {
          StringEquals: {
            "cognito-identity.amazonaws.com:sub": "eu-west-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
          },
        },
      ],
      [
        github,
        { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/ledger:ref:refs/heads/main" } },
      ],
      [`arn:aws:iam::${account}:saml-provider/corp`, undefined],
    ] as const)
      expect(await denials(role(webIdentity(federated, condition)))).toEqual([]);
  });

  it("reads a resource wildcard under role/aws-reserved/ as every SSO role of the account", async () => {
    for (const arn of [
      `arn:aws:iam::${account}:role/aws-reserved/*`,
      `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/*`,
      `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_*`,
    ]) {
      const policy = awsPolicy({ ...emitted, Action: "sts:AssumeRole", Resource: arn });
      expect(await denials(awsGrant(policy))).toEqual([tooWide("aws_iam_policy.grant", `Resource "${arn}"`)]);
    }
  });
});

describe("r2b finding E: statement keys AWS does not know", () => {
  const unreadable = [
    noExpiry("aws_iam_policy.grant"),
    tooWide("aws_iam_policy.grant", "a policy document tempgrant cannot read"),
  ];

  it.each([
    ["lower-case action and resource", { Effect: "Allow", action: "*", resource: "*", Condition: condition }],
    ["lower-case effect", { ...emitted, Effect: undefined, effect: "Allow" }],
    ["a lower-case action beside Action", { ...emitted, action: "*" }],
  ])("refuses a document with %s as unreadable", async (_, statement) => {
    expect(await denials(awsGrant(awsPolicy(statement)))).toEqual(unreadable);
  });

  it("refuses a document with a lower-case statement beside Statement", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [emitted],
      statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    });
    expect(await denials(awsGrant(policy))).toEqual(unreadable);
  });
});

describe("attributes the provider computes when the configuration leaves them out", () => {
  const configuration = (expressions: object) => ({
    root_module: {
      resources: [
        { address: "aws_sqs_queue.q", mode: "managed", type: "aws_sqs_queue", name: "q", expressions },
      ],
    },
  });
  const queue = change(
    "aws_sqs_queue.q",
    "aws_sqs_queue",
    { name: "orders" },
    { policy: true, url: true, arn: true, id: true },
  );

  it("leaves a new queue with no policy configured unprivileged: its policy is unknown because AWS computes it", async () => {
    expect(await denials(doc([queue], configuration({ name: { constant_value: "orders" } })))).toEqual([]);
  });

  it("makes it privileged when a policy known only after apply is configured, or nothing tells", async () => {
    const configured = configuration({
      name: { constant_value: "orders" },
      policy: { references: ["data.x.json"] },
    });
    for (const plan of [doc([queue], configured), doc([queue])])
      expect(await denials(plan)).toEqual([
        "unknown/known-at-plan: aws_sqs_queue.q (aws_sqs_queue): policy is known only after apply; access must be decided when the plan is checked",
        noGrant("aws_sqs_queue.q", "aws_sqs_queue"),
      ]);
  });
});

describe("a bucket's grant block is never taken as left unset", () => {
  it("keeps an unknown grant (a dynamic block tofu leaves out of the configuration) as unknown access", async () => {
    const bucket = change("aws_s3_bucket.b", "aws_s3_bucket", { bucket: "ledger" }, { grant: true });
    const configuration = {
      root_module: {
        resources: [
          {
            address: "aws_s3_bucket.b",
            mode: "managed",
            type: "aws_s3_bucket",
            name: "b",
            expressions: { bucket: { constant_value: "ledger" } },
          },
        ],
      },
    };
    expect(await denials(doc([bucket], configuration))).toEqual([
      "unknown/known-at-plan: aws_s3_bucket.b (aws_s3_bucket): grant is known only after apply; access must be decided when the plan is checked",
      noGrant("aws_s3_bucket.b", "aws_s3_bucket"),
    ]);
  });

  it("reads a CloudFormation stack or Helm release as too wide in a grant, and privileged outside one", async () => {
    const stack = change("aws_cloudformation_stack.s", "aws_cloudformation_stack", {
      name: "s",
      template_body: "{}",
    });
    expect(await denials(doc([stack]))).toEqual([
      tooWide(
        "aws_cloudformation_stack.s",
        "whatever a CloudFormation template holds, which tempgrant does not read",
      ),
      noGrant("aws_cloudformation_stack.s", "aws_cloudformation_stack"),
    ]);
  });
});
