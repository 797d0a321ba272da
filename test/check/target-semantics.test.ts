import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { DEFAULT_PRIVILEGED_TYPES } from "../../src/plan/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import { init, plan as tofuPlan, resolveEngine, showJson } from "../../src/runner/index.js";
import { planDenials, tooWide } from "../support/plan-denials.js";
import { aliceRecord } from "../support/grant-record.js";

// Issue 15, class 5: the scope and native-expiry readers read what the target would do, not
// field values one by one. Crafted plan JSON (no AWS, GCP, Kubernetes or MySQL provider can
// run here), shaped as their providers write planned values; checked by the real bundle.
const config = resolveConfig();

const t = Math.floor(Date.now() / 1000) + 60;
const expiresAt = t + 3_600;
const expires = formatTimestamp(expiresAt);

const denials = planDenials(config, () => t);

/** The message of `scope/grantee-is-principal` for alice's grant giving access to `grantee`. */
const notPrincipal = (address: string, grantee: string) =>
  `scope/grantee-is-principal: ${address} of grant alice-read gives access to "${grantee}", not to the grant's principal alice@example.com: a grant's access goes to the person approved`;

/** A grant record (legacy terraform_data form) that owns `resources`. */
function record(resources: string[], binding = "aws-iam", nativeExpiry = true) {
  return change("terraform_data.grant", "terraform_data", {
    input: aliceRecord({
      id: "alice-read",
      target: "prod",
      expiresAt: expires,
      ticket: "INC-42",
      binding,
      nativeExpiry,
      resources,
    }),
  });
}

function change(address: string, type: string, after: object, afterUnknown: object = {}) {
  return {
    address,
    mode: "managed",
    type,
    name: address.split(".").pop(),
    change: { actions: ["create"], before: null, after, after_unknown: afterUnknown },
  };
}

const doc = (changes: object[], configuration?: object) => ({
  format_version: "1.2",
  timestamp: formatTimestamp(t),
  planned_values: {},
  resource_changes: changes,
  ...(configuration ? { configuration } : {}),
});

/** A policy document as the AWS binding writes it, with `statements` replacing its one statement. */
const awsPolicy = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const emitted = {
  Sid: "Tempgrantalicesread",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: ["arn:aws:s3:::ledger/*"],
  Condition: { DateLessThan: { "aws:CurrentTime": expires } },
};

/** The AWS binding's pair: a policy, and an attachment whose ARN is known only after apply. */
function awsGrant(policy: string, extra: object[] = [], extraAddresses: string[] = []) {
  const addresses = ["aws_iam_policy.grant", "aws_iam_user_policy_attachment.grant", ...extraAddresses];
  return doc(
    [
      record(addresses),
      change(
        "aws_iam_policy.grant",
        "aws_iam_policy",
        { name: "tempgrant-alice-read", policy },
        { arn: true, id: true },
      ),
      change(
        "aws_iam_user_policy_attachment.grant",
        "aws_iam_user_policy_attachment",
        { user: "alice@example.com" },
        { policy_arn: true, id: true },
      ),
      ...extra,
    ],
    {
      root_module: {
        resources: [
          {
            address: "aws_iam_user_policy_attachment.grant",
            mode: "managed",
            type: "aws_iam_user_policy_attachment",
            name: "grant",
            expressions: {
              user: { constant_value: "alice" },
              // As cdktf writes it: a JSON configuration keeps the expression's text.
              policy_arn: {
                constant_value: "${aws_iam_policy.grant.arn}",
                references: ["aws_iam_policy.grant.arn", "aws_iam_policy.grant"],
              },
            },
          },
        ],
      },
    },
  );
}

describe("AWS IAM policy documents", () => {
  it("passes what the AWS binding writes: one Allow statement with the grant's expiry, attached by reference", async () => {
    expect(await denials(awsGrant(awsPolicy(emitted)))).toEqual([]);
  });

  it("grants if any Allow statement grants: a second statement without the expiry, or a later one, is no native expiry", async () => {
    const open = { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::ledger/*" };
    expect(await denials(awsGrant(awsPolicy(emitted, open)))).toEqual([
      `native-expiry/matches-record: aws_iam_policy.grant of grant alice-read: it has no native expiry, not the record's expiry ${expires}`,
    ]);
    const later = {
      ...open,
      Condition: { DateLessThan: { "aws:CurrentTime": formatTimestamp(expiresAt + 86_400) } },
    };
    expect(await denials(awsGrant(awsPolicy(emitted, later)))).toEqual([
      `native-expiry/matches-record: aws_iam_policy.grant of grant alice-read: its native expiry is 1d later, not the record's expiry ${expires}`,
    ]);
    // Two instants for one key are OR'ed by AWS: the statement lasts until the later one.
    const twoInstants = {
      ...emitted,
      Condition: { DateLessThan: { "aws:CurrentTime": [expires, "2099-01-01T00:00:00Z"] } },
    };
    expect(await denials(awsGrant(awsPolicy(twoInstants)))).toEqual([
      `native-expiry/matches-record: aws_iam_policy.grant of grant alice-read: it has no native expiry, not the record's expiry ${expires}`,
    ]);
  });

  it('reads NotAction, NotResource, Resource "*" and service wildcards as wildcards, Action as a string or a list', async () => {
    const statements = [
      { ...emitted, Action: undefined, NotAction: "iam:*" },
      { ...emitted, Resource: undefined, NotResource: ["arn:aws:s3:::secret/*"] },
      { ...emitted, Resource: "*" },
      { ...emitted, Action: "s3:*" },
      { ...emitted, Action: ["s3:GetObject", "iam:*"] },
    ];
    expect(await denials(awsGrant(awsPolicy(...statements)))).toEqual([
      tooWide("aws_iam_policy.grant", '"iam:*"'),
      tooWide("aws_iam_policy.grant", '"s3:*"'),
      tooWide("aws_iam_policy.grant", "NotAction (every action but those listed)"),
      tooWide("aws_iam_policy.grant", "NotResource (every resource but those listed)"),
      tooWide("aws_iam_policy.grant", 'Resource "*"'),
    ]);
  });

  it("lets Deny statements be as wide as they like: they never widen", async () => {
    const deny = { Effect: "Deny", Action: "*", NotResource: "*" };
    expect(await denials(awsGrant(awsPolicy(emitted, deny)))).toEqual([]);
  });

  it("refuses a policy document it cannot read", async () => {
    expect(await denials(awsGrant('{"Statement": [{"Effect": "Allow", "Action": 42}]}'))).toEqual([
      `native-expiry/matches-record: aws_iam_policy.grant of grant alice-read: it has no native expiry, not the record's expiry ${expires}`,
      tooWide("aws_iam_policy.grant", "a policy document tempgrant cannot read"),
    ]);
  });

  it("refuses a policy document with a repeated key: JSON.parse keeps the last, AWS may read another", async () => {
    // Read as JSON.parse reads it, the second Effect would make this Allow a Deny, and skipped.
    const twice = awsPolicy({ ...emitted, Action: "iam:*" }).replace(
      '"Effect":"Allow"',
      '"Effect":"Allow","Effect":"Deny"',
    );
    expect(twice).toContain('"Effect":"Deny"');
    expect(await denials(awsGrant(twice))).toEqual([
      `native-expiry/matches-record: aws_iam_policy.grant of grant alice-read: it has no native expiry, not the record's expiry ${expires}`,
      tooWide("aws_iam_policy.grant", "a policy document tempgrant cannot read"),
    ]);
  });

  it("reads inline policies: an Allow statement of a role policy without the expiry is no native expiry", async () => {
    const inline = change("aws_iam_role_policy.inline", "aws_iam_role_policy", {
      role: "alice@example.com",
      policy: awsPolicy({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::ledger/*" }),
    });
    expect(await denials(awsGrant(awsPolicy(emitted), [inline], ["aws_iam_role_policy.inline"]))).toEqual([
      `native-expiry/matches-record: aws_iam_role_policy.inline of grant alice-read: it has no native expiry, not the record's expiry ${expires}`,
    ]);
  });

  it("refuses attaching a policy the grant does not create, such as AdministratorAccess", async () => {
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    for (const [type, values] of [
      ["aws_iam_role_policy_attachment", { role: "alice@example.com", policy_arn: admin }],
      ["aws_iam_group_policy_attachment", { group: "ops", policy_arn: admin }],
      ["aws_iam_policy_attachment", { name: "x", users: ["alice@example.com"], policy_arn: admin }],
      ["aws_iam_role", { name: "alice", assume_role_policy: "", managed_policy_arns: [admin] }],
      ["aws_ssoadmin_managed_policy_attachment", { managed_policy_arn: admin, permission_set_arn: "arn:ps" }],
    ] as const) {
      const attachment = change(`${type}.extra`, type, values);
      expect([type, await denials(awsGrant(awsPolicy(emitted), [attachment], [`${type}.extra`]))]).toEqual([
        type,
        [
          // A group is never the grant's principal.
          ...(type === "aws_iam_group_policy_attachment" ? [notPrincipal(`${type}.extra`, "group:ops")] : []),
          tooWide(`${type}.extra`, `the policy ${admin}, which this plan does not create for the grant`),
        ],
      ]);
    }
  });

  it("refuses an attachment whose policy ARN it cannot trace to the grant's own policy", async () => {
    const plan = awsGrant(awsPolicy(emitted)) as {
      configuration: { root_module: { resources: { expressions: object }[] } };
    };
    // The ARN of a policy of another module, a variable, a data source: nothing tells it is
    // the grant's. A JSON configuration keeps the text: a conditional or a function is not the
    // reference alone. HCL keeps only the references, the same for
    // `replace(aws_iam_policy.grant.arn, "/^.+$/", "arn:…:AdministratorAccess")` as for the reference
    // alone: without the text, the ARN stays unknown.
    const own = ["aws_iam_policy.grant.arn", "aws_iam_policy.grant"];
    const conditional = '${true ? "arn:aws:iam::aws:policy/AdministratorAccess" : aws_iam_policy.grant.arn}';
    const replaced =
      '${replace(aws_iam_policy.grant.arn, "/^.+$/", "arn:aws:iam::aws:policy/AdministratorAccess")}';
    for (const expression of [
      { references: ["aws_iam_policy.other.arn", "aws_iam_policy.other"] },
      { references: ["var.policy_arn"] },
      { references: [] },
      { constant_value: conditional, references: own },
      { constant_value: replaced, references: own },
      { references: own },
      { constant_value: 42, references: own },
    ]) {
      plan.configuration.root_module.resources[0]!.expressions = { policy_arn: expression };
      expect([expression, await denials(plan)]).toEqual([
        expression,
        [
          "unknown/known-at-plan: aws_iam_user_policy_attachment.grant (aws_iam_user_policy_attachment): policy_arn is known only after apply; access must be decided when the plan is checked",
        ],
      ]);
    }
  });

  it("counts an identifier known only after apply that says what the access is on: Lake Formation's data location", async () => {
    const permissions = change(
      "aws_lakeformation_permissions.grant",
      "aws_lakeformation_permissions",
      { principal: "arn:aws:iam::1:user/alice", permissions: ["DATA_LOCATION_ACCESS"], data_location: [{}] },
      // The location the permission is on, from a resource this plan creates.
      { id: true, data_location: [{ arn: true }] },
    );
    expect(
      await denials(doc([record(["aws_lakeformation_permissions.grant"], "aws-iam", false), permissions])),
    ).toEqual([
      "unknown/known-at-plan: aws_lakeformation_permissions.grant (aws_lakeformation_permissions): data_location[0].arn is known only after apply; access must be decided when the plan is checked",
    ]);
  });

  it('reads Principal "*" in a resource policy as anyone', async () => {
    const bucket = change("aws_s3_bucket_policy.ledger", "aws_s3_bucket_policy", {
      bucket: "ledger",
      policy: awsPolicy({ ...emitted, Principal: { AWS: "*" } }),
    });
    expect(await denials(doc([record(["aws_s3_bucket_policy.ledger"]), bucket]))).toEqual([
      tooWide("aws_s3_bucket_policy.ledger", 'Principal "*" (anyone)'),
    ]);
  });
});

describe("AWS attachments in a real tofu plan's configuration", () => {
  // tofu cannot plan AWS resources here, but it writes the configuration block (module calls,
  // module-relative addresses, an expression's references) the same way for every provider:
  // a real plan of terraform_data pairs, with the pair's types then named as the AWS binding's.
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-semantics-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pair = (arnExpression: string) => ({
    policy: { input: "document" },
    attachment: { input: arnExpression },
  });

  async function realPlan(): Promise<{
    resource_changes: Record<string, unknown>[];
    configuration: unknown;
  }> {
    mkdirSync(join(dir, "access"), { recursive: true });
    writeFileSync(
      join(dir, "access", "main.tf.json"),
      JSON.stringify({
        resource: { terraform_data: pair("${terraform_data.policy.output}") },
        output: { arn: { value: "${terraform_data.policy.output}" } },
      }),
    );
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        module: { access: { source: "./access" } },
        resource: { terraform_data: { root_attachment: { input: "${module.access.arn}" } } },
      }),
    );
    const workspace = { engine: resolveEngine(), workingDir: dir, lockTimeout: "30s" };
    await init(workspace);
    const { planFile } = await tofuPlan(workspace, { out: "p.tfplan" });
    return (await showJson(workspace, planFile)) as {
      resource_changes: Record<string, unknown>[];
      configuration: unknown;
    };
  }

  /** The plan with terraform_data named as the AWS binding's types, `input` as `policy_arn`, `output` as `arn`. */
  function asAws(real: { resource_changes: Record<string, unknown>[]; configuration: unknown }) {
    const rename = (text: string) =>
      text
        .replaceAll("terraform_data.policy", "aws_iam_policy.policy")
        .replaceAll("terraform_data.attachment", "aws_iam_user_policy_attachment.attachment")
        .replaceAll("terraform_data.root_attachment", "aws_iam_user_policy_attachment.root_attachment");
    const configuration = JSON.parse(
      rename(JSON.stringify(real.configuration))
        .replaceAll('"type":"terraform_data","name":"policy"', '"type":"aws_iam_policy","name":"policy"')
        .replaceAll('"type":"terraform_data"', '"type":"aws_iam_user_policy_attachment"')
        .replaceAll('"input":', '"policy_arn":')
        .replaceAll(".output", ".arn"),
    ) as object;
    const changes = real.resource_changes.map((entry) => {
      const address = rename(String(entry.address));
      const isPolicy = address.includes("aws_iam_policy.");
      return {
        ...entry,
        address,
        type: isPolicy ? "aws_iam_policy" : "aws_iam_user_policy_attachment",
        change: {
          actions: ["create"],
          before: null,
          after: isPolicy ? { name: "p", policy: awsPolicy(emitted) } : { user: "alice@example.com" },
          after_unknown: isPolicy ? { arn: true, id: true } : { policy_arn: true, id: true },
        },
      };
    });
    return { changes, configuration };
  }

  it("passes the module's attachment of its own grant's policy; refuses one that reaches it through a module output", async () => {
    const { changes, configuration } = asAws(await realPlan());
    expect(changes.map((c) => c.address).sort()).toEqual([
      "aws_iam_user_policy_attachment.root_attachment",
      "module.access.aws_iam_policy.policy",
      "module.access.aws_iam_user_policy_attachment.attachment",
    ]);
    const owned = [
      "module.access.aws_iam_policy.policy",
      "module.access.aws_iam_user_policy_attachment.attachment",
      "aws_iam_user_policy_attachment.root_attachment",
    ];
    expect(await denials(doc([record(owned), ...changes], configuration))).toEqual([
      "unknown/known-at-plan: aws_iam_user_policy_attachment.root_attachment (aws_iam_user_policy_attachment): policy_arn is known only after apply; access must be decided when the plan is checked",
    ]);
  });
});

describe("GCP IAM", () => {
  const condition = (expression: string) => ({ title: "tempgrant-alice-read", expression });
  const member = (values: object) =>
    doc([
      record(["google_project_iam_member.grant"], "gcp-iam"),
      change("google_project_iam_member.grant", "google_project_iam_member", {
        project: "p",
        role: "roles/cloudsql.viewer",
        member: "user:alice@example.com",
        ...values,
      }),
    ]);

  it("accepts the condition forms the GCP binding writes, with the grant's expiry", async () => {
    const end = `request.time < timestamp("${expires}")`;
    expect(await denials(member({ condition: [condition(end)] }))).toEqual([]);
    const start = `request.time >= timestamp("${formatTimestamp(t)}") && ${end}`;
    expect(await denials(member({ condition: [condition(start)] }))).toEqual([]);
  });

  it("refuses any other expression: extra clauses, other functions, other attributes", async () => {
    for (const expression of [
      `request.time < timestamp("${expires}") || true`,
      `request.time < timestamp("${expires}") || request.path != ""`,
      `request.time < timestamp("${expires}") && true || true`,
      `request.time < timestamp("2099-01-01T00:00:00Z") && request.time < timestamp("${expires}")`,
      `request.time.getFullYear() < 2099`,
    ]) {
      expect([expression, await denials(member({ condition: [condition(expression)] }))]).toEqual([
        expression,
        [
          `native-expiry/matches-record: google_project_iam_member.grant of grant alice-read: it has no native expiry, not the record's expiry ${expires}`,
          tooWide(
            "google_project_iam_member.grant",
            "an IAM condition tempgrant cannot read (only the request.time form it writes)",
          ),
        ],
      ]);
    }
  });

  it("reads allUsers, allAuthenticatedUsers and domain members as wildcards", async () => {
    const end = [condition(`request.time < timestamp("${expires}")`)];
    for (const who of ["allUsers", "allAuthenticatedUsers", "domain:example.com"]) {
      expect(await denials(member({ member: who, condition: end }))).toEqual([
        notPrincipal("google_project_iam_member.grant", who),
        tooWide("google_project_iam_member.grant", `the member ${who}`),
      ]);
    }
  });

  it("parses a policy document inside policy_data and reads it binding by binding", async () => {
    const until = { expression: `request.time < timestamp("${expires}")`, title: "t" };
    const policy = (bindings: object[]) =>
      doc([
        record(["google_project_iam_policy.grant"], "gcp-iam"),
        change("google_project_iam_policy.grant", "google_project_iam_policy", {
          project: "p",
          policy_data: JSON.stringify({ bindings }),
        }),
      ]);
    expect(
      await denials(
        policy([{ role: "roles/viewer", members: ["user:alice@example.com"], condition: until }]),
      ),
    ).toEqual([]);
    expect(
      await denials(
        policy([
          { role: "roles/viewer", members: ["user:alice@example.com"], condition: until },
          { role: "roles/owner", members: ["allAuthenticatedUsers"] },
        ]),
      ),
    ).toEqual([
      `native-expiry/matches-record: google_project_iam_policy.grant of grant alice-read: it has no native expiry, not the record's expiry ${expires}`,
      notPrincipal("google_project_iam_policy.grant", "allAuthenticatedUsers"),
      tooWide("google_project_iam_policy.grant", "the member allAuthenticatedUsers"),
      tooWide("google_project_iam_policy.grant", 'the role "roles/owner"'),
    ]);
    // A repeated key: the second "members" would hide allUsers from a reader that keeps the last.
    const twice = JSON.stringify({
      bindings: [{ role: "roles/viewer", members: ["allUsers"], condition: until }],
    }).replace('"members":["allUsers"]', '"members":["allUsers"],"members":["user:alice@example.com"]');
    expect(
      await denials(
        doc([
          record(["google_project_iam_policy.grant"], "gcp-iam"),
          change("google_project_iam_policy.grant", "google_project_iam_policy", {
            project: "p",
            policy_data: twice,
          }),
        ]),
      ),
    ).toContainEqual(tooWide("google_project_iam_policy.grant", "a policy document tempgrant cannot read"));
  });
});

describe("Kubernetes RBAC", () => {
  const binding = (roleRef: object, subject = [{ kind: "User", name: "alice@example.com" }]) =>
    change("kubernetes_role_binding_v1.grant", "kubernetes_role_binding_v1", {
      metadata: [{ name: "tempgrant-alice-read", namespace: "ledger" }],
      role_ref: [{ api_group: "rbac.authorization.k8s.io", ...roleRef }],
      subject,
    });
  const role = (rules: object[]) =>
    change("kubernetes_role_v1.reader", "kubernetes_role_v1", {
      metadata: [{ name: "reader", namespace: "ledger" }],
      rule: rules,
    });
  const plan = (...changes: ReturnType<typeof change>[]) =>
    doc([
      record(
        changes.map((c) => c.address),
        "kubernetes",
        false,
      ),
      ...changes,
    ]);

  it("passes a binding to a narrow role of the same plan", async () => {
    const narrow = role([{ api_groups: [""], resources: ["pods"], verbs: ["get", "list"] }]);
    expect(await denials(plan(narrow, binding({ kind: "Role", name: "reader" })))).toEqual([]);
  });

  it("does not count what the server sets in an object's metadata, known only after apply", async () => {
    const narrow = role([{ api_groups: [""], resources: ["pods"], verbs: ["get", "list"] }]);
    const bound = binding({ kind: "Role", name: "reader" });
    bound.change.after_unknown = {
      id: true,
      metadata: [{ uid: true, resource_version: true, generation: true }],
    };
    expect(await denials(plan(narrow, bound))).toEqual([]);
  });

  it("makes a binding as wide as the role of the same plan it binds", async () => {
    const wide = role([
      { api_groups: [""], resources: ["secrets"], verbs: ["get"] },
      { api_groups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate", "bind"] },
      { api_groups: ["apps"], resources: ["*"], verbs: ["get"] },
    ]);
    const denied = await denials(plan(wide, binding({ kind: "Role", name: "reader" })));
    for (const address of ["kubernetes_role_v1.reader", "kubernetes_role_binding_v1.grant"]) {
      for (const what of [
        '"get apps/*"',
        "access to secrets (in reader)",
        "the verb escalate (in reader)",
        "the verb bind (in reader)",
      ])
        expect(denied).toContain(tooWide(address, what));
    }
    expect(denied).toHaveLength(8);
  });

  it("reads the built-in cluster-admin, admin and edit cluster roles", async () => {
    expect(await denials(plan(binding({ kind: "ClusterRole", name: "edit" })))).toEqual([
      tooWide("kubernetes_role_binding_v1.grant", "access to secrets (in edit)"),
      tooWide(
        "kubernetes_role_binding_v1.grant",
        "running commands in pods, and so their tokens, through pods/exec (in edit)",
      ),
      tooWide("kubernetes_role_binding_v1.grant", "the verb impersonate (in edit)"),
    ]);
    expect(await denials(plan(binding({ kind: "ClusterRole", name: "cluster-admin" })))).toEqual([
      tooWide("kubernetes_role_binding_v1.grant", '"* */*"'),
      tooWide("kubernetes_role_binding_v1.grant", 'the role "cluster-admin"'),
    ]);
    expect(await denials(plan(binding({ kind: "ClusterRole", name: "view" })))).toEqual([]);
  });

  it("reads system:authenticated and its kin as everyone", async () => {
    const everyone = binding({ kind: "ClusterRole", name: "view" }, [
      { kind: "Group", name: "system:authenticated" },
    ]);
    expect(await denials(plan(everyone))).toEqual([
      notPrincipal("kubernetes_role_binding_v1.grant", "system:authenticated"),
      tooWide("kubernetes_role_binding_v1.grant", "the subject Group system:authenticated (everyone)"),
    ]);
  });

  it("reads RBAC objects in kubernetes_manifest: privileged, and as wide as their roles", async () => {
    const clusterRole = change("kubernetes_manifest.role", "kubernetes_manifest", {
      manifest: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "everything" },
        rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
      },
    });
    const manifestBinding = change("kubernetes_manifest.binding", "kubernetes_manifest", {
      manifest: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "standing" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "everything" },
        subjects: [{ kind: "User", name: "mallory" }],
      },
    });
    const deployment = change("kubernetes_manifest.app", "kubernetes_manifest", {
      manifest: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "app" } },
    });
    expect(await denials(doc([clusterRole, manifestBinding, deployment]))).toEqual([
      tooWide("kubernetes_manifest.binding", '"* */*"'),
      tooWide("kubernetes_manifest.role", '"* */*"'),
      "unmanaged/privileged-without-grant: kubernetes_manifest.binding (kubernetes_manifest) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry",
      "unmanaged/privileged-without-grant: kubernetes_manifest.role (kubernetes_manifest) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry",
    ]);
  });
});

describe("MySQL and kin", () => {
  const grant = (values: object) =>
    doc([
      record(["mysql_grant.grant"], "custom", false),
      change("mysql_grant.grant", "mysql_grant", { user: "alice", host: "%", database: "ledger", ...values }),
    ]);

  it("passes narrow privileges on one database", async () => {
    expect(await denials(grant({ privileges: ["SELECT"] }))).toEqual([]);
  });

  it('reads ALL, SUPER, GRANT OPTION and database "*"', async () => {
    expect(await denials(grant({ privileges: ["all privileges"] }))).toEqual([
      tooWide("mysql_grant.grant", '"all privileges"'),
    ]);
    expect(await denials(grant({ privileges: ["SUPER"] }))).toEqual([
      tooWide("mysql_grant.grant", "the superuser flag"),
    ]);
    expect(await denials(grant({ privileges: ["SELECT"], grant: true }))).toEqual([
      tooWide("mysql_grant.grant", "the grant_option flag"),
    ]);
    expect(await denials(grant({ privileges: ["SELECT", "grant  option"] }))).toEqual([
      tooWide("mysql_grant.grant", "the grant_option flag"),
    ]);
    expect(await denials(grant({ privileges: ["SELECT"], database: "*" }))).toEqual([
      tooWide("mysql_grant.grant", 'every database (database "*")'),
    ]);
  });
});

describe("the default privileged types", () => {
  it("cover SSO assignments, source-hosting permissions, role assignments and database grants", async () => {
    for (const [type, values] of [
      [
        "aws_ssoadmin_account_assignment",
        { principal_id: "u-1", permission_set_arn: "arn:ps", target_id: "1" },
      ],
      ["aws_ssoadmin_customer_managed_policy_attachment", { permission_set_arn: "arn:ps" }],
      ["aws_iam_access_key", { user: "mallory" }],
      ["aws_iam_user_login_profile", { user: "mallory" }],
      ["github_team_repository", { team_id: "1", repository: "r", permission: "push" }],
      ["github_repository_collaborator", { repository: "r", username: "mallory", permission: "pull" }],
      ["gitlab_project_membership", { project: "1", user_id: 2, access_level: "developer" }],
      ["google_project_iam_binding", { project: "p", role: "roles/viewer", members: ["user:m@example.com"] }],
      ["azurerm_role_assignment", { scope: "/subscriptions/1", role_definition_name: "Reader" }],
      ["mysql_grant", { user: "mallory", database: "d", privileges: ["SELECT"] }],
      ["postgresql_grant_role", { role: "mallory", grant_role: "reader" }],
    ] as const) {
      expect(await denials(doc([change(`${type}.x`, type, values)]))).toContain(
        `unmanaged/privileged-without-grant: ${type}.x (${type}) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry`,
      );
    }
  });

  it("are listed in docs/checking.md", () => {
    const docs = readFileSync(new URL("../../docs/checking.md", import.meta.url), "utf8");
    const listed = DEFAULT_PRIVILEGED_TYPES.filter((glob) => !docs.includes(`\`${glob}\``));
    expect(listed).toEqual([]);
  });
});
