import { describe, expect, it } from "vitest";
import type { Grant } from "../../src/grant/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import { AwsIamBinding, type AwsIamBindingProps } from "../../src/targets/aws-iam/index.js";
import { GcpIamBinding } from "../../src/targets/gcp-iam/index.js";
import { KubernetesBinding } from "../../src/targets/kubernetes/index.js";
import { addressOf, type DataBinding, type ResourceData } from "../../src/targets/target-module.js";
import { TerraformExpression } from "../../src/targets/terraform-text.js";
import { created, grantedAt, planAt, planDenials } from "../support/plan-denials.js";

// Approvers sign the grant record, not the resources it owns: a resource of an approved grant
// edited (a cdktf addOverride) to give the access to someone else must be refused. Each
// target's binding writes its resources for alice's grant (grantedAt's record: principal
// alice@example.com, id alice-read); the same resources with another grantee are denied.
const config = resolveConfig();
const t = Math.floor(Date.now() / 1000) + 60;
const denials = planDenials(config, () => t);

const PRINCIPAL = "alice@example.com";

/** alice's grant as the bindings see it: the record grantedAt writes. */
const grant: Grant = {
  id: "alice-read",
  principal: PRINCIPAL,
  target: "prod",
  access: "read",
  startsAt: undefined,
  expiresAt: t + 3_600,
  reason: "reconcile the January ledger",
  ticket: "INC-42",
  requestedBy: PRINCIPAL,
  approvedBy: ["bob@example.com"],
  breakGlass: false,
  credential: undefined,
};

const denied = (address: string, grantee: string) =>
  `scope/grantee-is-principal: ${address} of grant alice-read gives access to "${grantee}", not to the grant's principal ${PRINCIPAL}: a grant's access goes to the person approved`;

/**
 * The binding's resources for alice's grant as a plan: each resource created with its
 * attributes, `override` applied to the one of `part` (what an addOverride writes); a
 * reference (an expression) is unknown at plan time and written in the configuration.
 */
function bindingPlan(binding: DataBinding, override: { part: string; set: object } | null = null) {
  const resources: ResourceData[] = binding
    .resources(grant)
    .map((resource) =>
      override?.part === resource.part
        ? { ...resource, attributes: { ...resource.attributes, ...override.set } }
        : resource,
    );
  const configured: object[] = [];
  const changes = resources.map((resource) => {
    const after: Record<string, unknown> = {};
    const unknown: Record<string, unknown> = { id: true };
    const expressions: Record<string, unknown> = {};
    for (const [attribute, value] of Object.entries(resource.attributes)) {
      if (value instanceof TerraformExpression) {
        unknown[attribute] = true;
        const reference = value.text;
        expressions[attribute] = {
          constant_value: `\${${reference}}`,
          references: [reference, reference.replace(/\.[a-z_]+$/, "")],
        };
      } else after[attribute] = value;
    }
    if (resource.type === "aws_iam_policy") Object.assign(unknown, { arn: true });
    if (Object.keys(expressions).length > 0)
      configured.push({
        address: addressOf(resource),
        mode: "managed",
        type: resource.type,
        name: resource.name,
        expressions,
      });
    return created(addressOf(resource), resource.type, after, unknown);
  });
  const plan = grantedAt(t, binding, changes);
  return configured.length > 0
    ? { ...plan, configuration: { root_module: { resources: configured } } }
    : plan;
}

const gcp = new GcpIamBinding({
  name: "prod",
  project: "acme-prod",
  roles: { read: "roles/cloudsql.viewer" },
});
const kubernetes = (namespace?: string) =>
  new KubernetesBinding({
    name: "prod",
    ...(namespace === undefined ? {} : { namespace }),
    roles: { read: { kind: "ClusterRole", name: "view" } },
  });
const aws = (principalType: AwsIamBindingProps["principalType"]) =>
  new AwsIamBinding({
    name: "prod",
    principalType,
    accessLevels: { read: { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::ledger/*"] } },
  });

describe("GCP IAM members", () => {
  const address = "google_project_iam_member.grant_alice_read";

  it("passes the member the binding writes: user:<principal>", async () => {
    expect(await denials(bindingPlan(gcp))).toEqual([]);
  });

  it("passes the principal in another case; blanks around it make the member unreadable, not someone else", async () => {
    expect(
      await denials(bindingPlan(gcp, { part: "member", set: { member: "user:Alice@Example.com" } })),
    ).toEqual([]);
    // Too wide as written (scope/no-wildcard), but still the record's principal.
    const blanks = await denials(
      bindingPlan(gcp, { part: "member", set: { member: " user:alice@example.com " } }),
    );
    expect(blanks.map((denial) => denial.split(":")[0])).toEqual(["scope/no-wildcard"]);
  });

  it.each([
    ["user:mallory@example.com", "mallory@example.com"],
    ["group:everyone@example.com", "group:everyone@example.com"],
    [
      "serviceAccount:ci@acme-prod.iam.gserviceaccount.com",
      "serviceAccount:ci@acme-prod.iam.gserviceaccount.com",
    ],
    ["serviceAccount:alice@example.com", "serviceAccount:alice@example.com"],
    ["group:alice@example.com", "group:alice@example.com"],
  ])("denies the member %s", async (member, grantee) => {
    const plan = bindingPlan(gcp, { part: "member", set: { member } });
    expect(await denials(plan)).toEqual([denied(address, grantee)]);
  });

  it("denies a domain, besides it being too wide", async () => {
    const plan = bindingPlan(gcp, { part: "member", set: { member: "domain:example.com" } });
    expect(await denials(plan)).toContain(denied(address, "domain:example.com"));
  });

  it("denies every member of a binding but the principal", async () => {
    const binding = created("google_project_iam_binding.grant", "google_project_iam_binding", {
      project: "acme-prod",
      role: "roles/cloudsql.viewer",
      members: ["user:alice@example.com", "user:mallory@example.com"],
      condition: [
        {
          title: "tempgrant-alice-read",
          description: "d",
          expression: `request.time < timestamp("${new Date((t + 3_600) * 1000).toISOString().replace(".000", "")}")`,
        },
      ],
    });
    const result = await denials(grantedAt(t, gcp, [binding]));
    expect(result).toEqual([denied("google_project_iam_binding.grant", "mallory@example.com")]);
  });
});

describe("Kubernetes role bindings", () => {
  it.each([
    ["a RoleBinding", "orders", "kubernetes_role_binding_v1.grant_alice_read"],
    ["a ClusterRoleBinding", undefined, "kubernetes_cluster_role_binding_v1.grant_alice_read"],
  ])("passes %s to the principal, denies one to mallory", async (_what, namespace, address) => {
    const binding = kubernetes(namespace);
    expect(await denials(bindingPlan(binding))).toEqual([]);
    const subject = [{ kind: "User", name: "mallory", api_group: "rbac.authorization.k8s.io" }];
    expect(await denials(bindingPlan(binding, { part: "binding", set: { subject } }))).toEqual([
      denied(address, "mallory"),
    ]);
  });

  it("denies a Group or ServiceAccount subject not named as the principal", async () => {
    const subject = [
      { kind: "User", name: PRINCIPAL, api_group: "rbac.authorization.k8s.io" },
      { kind: "Group", name: "oncall", api_group: "rbac.authorization.k8s.io" },
      { kind: "ServiceAccount", name: "ci-deployer", namespace: "orders" },
    ];
    const address = "kubernetes_role_binding_v1.grant_alice_read";
    expect(await denials(bindingPlan(kubernetes("orders"), { part: "binding", set: { subject } }))).toEqual([
      denied(address, "ci-deployer"),
      denied(address, "oncall"),
    ]);
  });

  it("denies a RoleBinding manifest to mallory", async () => {
    const manifest = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "tempgrant-alice-read", namespace: "orders" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "User", name: "mallory", apiGroup: "rbac.authorization.k8s.io" }],
    };
    const change = created("kubernetes_manifest.grant", "kubernetes_manifest", { manifest });
    expect(await denials(grantedAt(t, kubernetes("orders"), [change]))).toEqual([
      denied("kubernetes_manifest.grant", "mallory"),
    ]);
  });
});

describe("AWS policy attachments", () => {
  it.each([
    ["user", "aws_iam_user_policy_attachment.grant_alice_read", "bob"],
    ["role", "aws_iam_role_policy_attachment.grant_alice_read", "ci-deployer"],
  ] as const)("passes the %s the binding attaches to, denies another", async (kind, address, other) => {
    const binding = aws(kind);
    expect(await denials(bindingPlan(binding))).toEqual([]);
    const plan = bindingPlan(binding, { part: "attachment", set: { [kind]: other } });
    expect(await denials(plan)).toEqual([denied(address, other)]);
  });

  it("denies a group membership of someone else, and a group attachment", async () => {
    const binding = aws("user");
    const membership = created("aws_iam_group_membership.grant", "aws_iam_group_membership", {
      name: "m",
      group: "readers",
      users: ["alice@example.com", "bob"],
    });
    const plan = bindingPlan(binding);
    const listed = planAt(t, [
      ...(
        plan.resource_changes as {
          address: string;
          change: { after: { input?: { resources?: string[] } } };
        }[]
      ).map((change) => {
        const input = change.change.after.input;
        return input?.resources
          ? {
              ...change,
              change: {
                ...change.change,
                after: { input: { ...input, resources: [...input.resources, membership.address] } },
              },
            }
          : change;
      }),
      membership,
    ]);
    const result = await denials({
      ...listed,
      configuration: (plan as { configuration?: object }).configuration,
    });
    expect(result).toContain(denied("aws_iam_group_membership.grant", "bob"));
    expect(result.filter((line) => line.startsWith("scope/grantee-is-principal"))).toEqual([
      denied("aws_iam_group_membership.grant", "bob"),
    ]);
  });
});

// PostgreSQL memberships are not read: the membership binding maps the principal to a role
// with principalRole, code the plan does not show (docs/security-model.md, not guarded).
describe("PostgreSQL", () => {
  it("reads no grantee from a login role: its credential is in the record's digest", async () => {
    const change = created("tempgrant_postgresql_login_role.grant", "tempgrant_postgresql_login_role", {
      name: "tg_alice_read",
      member_of: ["orders_read"],
      valid_until: new Date((t + 3_600) * 1000).toISOString().replace(".000", ""),
    });
    const result = await denials(grantedAt(t, { kind: "postgresql", nativeExpiry: true }, [change]));
    expect(result.filter((line) => line.startsWith("scope/grantee-is-principal"))).toEqual([]);
  });
});
