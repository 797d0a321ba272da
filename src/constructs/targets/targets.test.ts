import type { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { RawProvider } from "../raw-provider.js";
import { synthAt } from "../synth-test-helpers.js";
import { TemporaryGrant, type TemporaryGrantProps } from "../temporary-grant.js";
import { AwsIamTarget } from "./aws-iam.js";
import { CustomTarget } from "./custom.js";
import { GcpIamTarget } from "./gcp-iam.js";
import { KubernetesTarget } from "./kubernetes.js";
import { PostgresqlTarget } from "./postgresql.js";
import { tempgrantProvider } from "../tempgrant-provider.js";
import { expression } from "../../targets/terraform-text.js";

const NOW = "2026-11-25T10:00:00Z";
const grant = (id: string, target: TemporaryGrantProps["target"], extra: Partial<TemporaryGrantProps> = {}) =>
  ({
    id,
    principal: "alice@example.com",
    target,
    access: "read",
    startsAt: "2026-11-25T09:00:00Z",
    expiresAt: "2026-11-25T17:00:00Z",
    reason: "investigate INC-42",
    ticket: "INC-42",
    requestedBy: "alice@example.com",
    approvedBy: ["bob@example.com"],
    ...extra,
  }) satisfies TemporaryGrantProps;

function provider(stack: TerraformStack, type: string, source: string): void {
  new RawProvider(stack, type, { type, source });
}

describe("PostgreSQL membership mode", () => {
  const ordersDb = new PostgresqlTarget({
    name: "orders-db",
    mode: "membership",
    privilegeRoles: { read: "orders_read" },
  });

  it("gives each grant a role of its own, so overlapping grants never fight", () => {
    const json = synthAt(NOW, (stack) => {
      tempgrantProvider(stack);
      new TemporaryGrant(stack, "a", grant("alice-read-1", ordersDb));
      new TemporaryGrant(stack, "b", grant("alice-read-2", ordersDb, { expiresAt: "2026-11-25T19:00:00Z" }));
    });
    expect(json.resource?.tempgrant_postgresql_membership).toEqual({
      grant_alice_read_1: {
        name: "tg_alice_read_1",
        member: "alice@example.com",
        member_of: ["orders_read"],
        depends_on: ["tempgrant_grant.grant_alice_read_1"],
      },
      grant_alice_read_2: {
        name: "tg_alice_read_2",
        member: "alice@example.com",
        member_of: ["orders_read"],
        depends_on: ["tempgrant_grant.grant_alice_read_2"],
      },
    });
    const record = json.resource?.tempgrant_grant?.grant_alice_read_1 as {
      native_expiry: boolean;
      resources: string[];
    };
    expect(record.native_expiry).toBe(false);
    expect(record.resources).toEqual(["tempgrant_postgresql_membership.grant_alice_read_1"]);
  });

  it("declares tempgrant's provider, pinned, with the connection settings given", () => {
    const json = synthAt(NOW, (stack) => {
      tempgrantProvider(stack, { sslmode: "disable" });
      new TemporaryGrant(stack, "a", grant("alice-read", ordersDb));
    });
    expect(json.terraform?.required_providers?.tempgrant).toEqual({
      source: "tempgrant/tempgrant",
      version: "0.1.0",
    });
    expect(json.provider?.tempgrant).toEqual([{ sslmode: "disable" }]);
  });
});

describe("synth-level targets", () => {
  it("AWS IAM: a policy per grant whose condition ends it at the expiry", () => {
    const target = new AwsIamTarget({
      name: "prod-aws",
      principalType: "role",
      accessLevels: { read: { actions: ["rds:Describe*"], resources: ["*"] } },
    });
    const json = synthAt(NOW, (stack) => {
      provider(stack, "aws", "hashicorp/aws");
      new TemporaryGrant(stack, "a", grant("alice-aws", target, { principal: "oncall-alice" }));
    });
    const policy = json.resource?.aws_iam_policy?.grant_alice_aws as { policy: string };
    expect(JSON.parse(policy.policy).Statement[0].Condition).toEqual({
      DateLessThan: { "aws:CurrentTime": "2026-11-25T17:00:00Z" },
      DateGreaterThan: { "aws:CurrentTime": "2026-11-25T09:00:00Z" },
    });
    expect(json.resource?.aws_iam_role_policy_attachment?.grant_alice_aws).toEqual({
      role: "oncall-alice",
      policy_arn: "${aws_iam_policy.grant_alice_aws.arn}",
      depends_on: ["tempgrant_grant.grant_alice_aws"],
    });
    expect(json.resource).toMatchSnapshot();
  });

  it("GCP IAM: a conditional member per grant on request.time", () => {
    const target = new GcpIamTarget({
      name: "prod-gcp",
      project: "acme-prod",
      roles: { read: "roles/cloudsql.viewer" },
    });
    const json = synthAt(NOW, (stack) => {
      provider(stack, "google", "hashicorp/google");
      new TemporaryGrant(stack, "a", grant("alice-gcp", target));
    });
    expect(json.resource?.google_project_iam_member?.grant_alice_gcp).toMatchObject({
      member: "user:alice@example.com",
      role: "roles/cloudsql.viewer",
      condition: {
        title: "tempgrant-alice-gcp",
        expression:
          'request.time >= timestamp("2026-11-25T09:00:00Z") && request.time < timestamp("2026-11-25T17:00:00Z")',
      },
    });
    expect(json.resource).toMatchSnapshot();
  });

  it("Kubernetes: a RoleBinding per grant, with no native expiry", () => {
    const target = new KubernetesTarget({
      name: "prod-k8s",
      namespace: "orders",
      roles: { read: { kind: "ClusterRole", name: "view" } },
    });
    const json = synthAt(NOW, (stack) => {
      provider(stack, "kubernetes", "hashicorp/kubernetes");
      new TemporaryGrant(stack, "a", grant("alice-k8s", target));
    });
    expect(json.resource?.kubernetes_role_binding_v1?.grant_alice_k8s).toMatchObject({
      metadata: { name: "tempgrant-alice-k8s", namespace: "orders" },
      role_ref: { kind: "ClusterRole", name: "view" },
      subject: [{ kind: "User", name: "alice@example.com" }],
    });
    expect(
      (json.resource?.tempgrant_grant?.grant_alice_k8s as { native_expiry: boolean }).native_expiry,
    ).toBe(false);
    expect(json.resource).toMatchSnapshot();
  });

  it("custom: wraps any resource type under deterministic names", () => {
    const target = new CustomTarget({
      name: "github",
      kind: "github-team",
      accessLevels: ["maintain"],
      resources: (g) => [
        {
          type: "github_team_membership",
          attributes: { team_id: "sre", username: g.principal, role: "maintainer" },
        },
      ],
    });
    const json = synthAt(NOW, (stack) => {
      provider(stack, "github", "integrations/github");
      new TemporaryGrant(stack, "a", grant("alice-gh", target, { access: "maintain", principal: "alice" }));
    });
    expect(json.resource?.github_team_membership?.grant_alice_gh).toEqual({
      team_id: "sre",
      username: "alice",
      role: "maintainer",
      depends_on: ["tempgrant_grant.grant_alice_gh"],
    });
  });

  it("custom: attributes are literal text, and expression() writes a reference on purpose", () => {
    const target = new CustomTarget({
      name: "github",
      resources: (g) => [
        {
          type: "github_team_membership",
          attributes: { team_id: expression("github_team.sre.id"), username: g.principal },
        },
      ],
    });
    const json = synthAt(NOW, (stack) => {
      provider(stack, "github", "integrations/github");
      new TemporaryGrant(stack, "a", grant("alice-gh", target, { principal: '${file("/etc/passwd")}' }));
    });
    expect(json.resource?.github_team_membership?.grant_alice_gh).toMatchObject({
      team_id: "${github_team.sre.id}",
      username: '$${file("/etc/passwd")}',
    });
  });
});
