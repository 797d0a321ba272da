import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Construct } from "constructs";
import { AwsIamTarget } from "../../src/constructs/targets/aws-iam.js";
import { CustomTarget } from "../../src/constructs/targets/custom.js";
import { GcpIamTarget } from "../../src/constructs/targets/gcp-iam.js";
import { KubernetesTarget } from "../../src/constructs/targets/kubernetes.js";
import { PostgresqlTarget } from "../../src/constructs/targets/postgresql.js";
import type { TargetBinding } from "../../src/constructs/targets/target-binding.js";
import { RawProvider } from "../../src/constructs/raw-provider.js";
import { synthAt } from "../../src/constructs/synth-test-helpers.js";
import { tempgrantProvider } from "../../src/constructs/tempgrant-provider.js";
import { TemporaryGrant } from "../../src/constructs/temporary-grant.js";
import { validateGrant, type Grant } from "../../src/grant/index.js";
import { DEFAULT_PRIVILEGED_TYPES, grantedScope, nativeExpiryOf, typeMatcher } from "../../src/plan/index.js";
import { isExpiryBearing } from "../../src/plan/native-expiry.js";
import type { PlanJson, ResourceChangeJson } from "../../src/plan/plan-json.js";
import { PlanRelations } from "../../src/plan/plan-relations.js";
import { TARGET_MODULES, targetConfigReference, targetRelations } from "../../src/targets/registry.js";
import type { RelationIndex } from "../../src/targets/relation-hooks.js";
import type { GrantedScope, ResourceData, TargetModule } from "../../src/targets/target-module.js";
import { TerraformExpression, terraformResources } from "../../src/targets/terraform-text.js";

// Every registered target against the contract of src/targets/target-module.ts: its binding
// gives resources as plain data, its validation refuses an unknown access level, and plan/
// reads those resources back through the registry (privileged, the scope the access level
// stands for, the native expiry when the binding says it writes one). A target added to the
// registry without an example here fails the first test.

const root = join(import.meta.dirname, "..", "..");

/** One system of each kind, and what the scope of a grant's resources must hold for it. */
interface Example {
  readonly props: unknown;
  readonly access: string;
  readonly principal?: string;
  readonly credential?: string;
  readonly scopeHolds: Partial<Record<keyof GrantedScope, string[]>>;
}

const VERIFIER = "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$c3RvcmVka2V5:c2VydmVya2V5";

const EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  postgresql: [
    {
      props: { name: "orders-db", mode: "login-role", privilegeRoles: { read: "orders_read" } },
      access: "read",
      credential: VERIFIER,
      scopeHolds: { roles: ["orders_read"] },
    },
    {
      props: { name: "orders-db", mode: "membership", privilegeRoles: { write: "orders_write" } },
      access: "write",
      scopeHolds: { roles: ["orders_write"] },
    },
  ],
  "aws-iam": [
    {
      props: {
        name: "prod-aws",
        principalType: "role",
        accessLevels: {
          read: { actions: ["rds:DescribeDBInstances"], resources: ["arn:aws:rds:eu-west-1:1:db:orders"] },
        },
      },
      access: "read",
      principal: "oncall-alice",
      scopeHolds: { privileges: ["rds:DescribeDBInstances"] },
    },
  ],
  "gcp-iam": [
    {
      props: { name: "prod-gcp", project: "acme-prod", roles: { read: "roles/cloudsql.viewer" } },
      access: "read",
      scopeHolds: { roles: ["roles/cloudsql.viewer"] },
    },
  ],
  kubernetes: [
    {
      props: {
        name: "prod-k8s",
        namespace: "orders",
        roles: { read: { kind: "ClusterRole", name: "view" } },
      },
      access: "read",
      scopeHolds: { roles: ["view"] },
    },
    {
      props: { name: "prod-k8s", roles: { read: { kind: "ClusterRole", name: "view" } } },
      access: "read",
      scopeHolds: { roles: ["view"] },
    },
  ],
  custom: [
    {
      props: {
        name: "github",
        accessLevels: ["maintain"],
        resources: (grant: Grant) => [
          {
            type: "github_team_membership",
            attributes: { team_id: "sre", username: grant.principal, role: "maintainer" },
          },
        ],
      },
      access: "maintain",
      principal: "alice",
      scopeHolds: { roles: ["maintainer"] },
    },
  ],
};

/**
 * For each target with relation hooks: a resource others refer to, one that refers to it, and
 * part of the referrer's scope that only the referred resource gives (read through the hooks).
 */
interface RelationSample {
  readonly referable: { readonly type: string; readonly after: Record<string, unknown> };
  readonly referrer: { readonly type: string; readonly after: Record<string, unknown> };
  /** The referrer's scope with the referable resource in the plan, for the grant that owns both. */
  readonly scopeWith: Partial<GrantedScope>;
  /** Its scope when the plan holds the referable resource for another grant, or not at all. */
  readonly scopeWithout: Partial<GrantedScope>;
}

const POLICY_ARN = "arn:aws:iam::111122223333:policy/tempgrant-alice";

const RELATION_SAMPLES: Readonly<Record<string, RelationSample>> = {
  "aws-iam": {
    referable: { type: "aws_iam_policy", after: { arn: POLICY_ARN, policy: "{}" } },
    referrer: { type: "aws_iam_role_policy_attachment", after: { role: "oncall", policy_arn: POLICY_ARN } },
    scopeWith: { privileges: [] },
    scopeWithout: { wide: [`the policy ${POLICY_ARN}, which this plan does not create for the grant`] },
  },
  kubernetes: {
    referable: {
      type: "kubernetes_cluster_role_v1",
      after: {
        metadata: [{ name: "pod-reader" }],
        rule: [{ api_groups: [""], resources: ["pods"], verbs: ["get"] }],
      },
    },
    referrer: {
      type: "kubernetes_cluster_role_binding_v1",
      after: {
        metadata: [{ name: "tempgrant-alice" }],
        role_ref: [{ api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pod-reader" }],
        subject: [{ kind: "User", name: "alice", api_group: "rbac.authorization.k8s.io" }],
      },
    },
    scopeWith: { privileges: ["get pods"], roles: ["pod-reader"] },
    scopeWithout: { privileges: [], roles: ["pod-reader"] },
  },
};

const GRANT = "alice-contract";

/** A plan creating these resources, with their configuration's expressions as a JSON configuration keeps them. */
function relationsOf(
  resources: readonly { type: string; name: string; after: Record<string, unknown> }[],
  owner: string,
): { relations: PlanRelations; changes: ResourceChangeJson[] } {
  const changes = resources.map(({ type, name, after }) => ({
    address: `${type}.${name}`,
    mode: "managed",
    type,
    name,
    change: { actions: ["create"], after },
  }));
  const expressions = (after: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(after).flatMap(([attribute, value]) => {
        const target =
          typeof value === "string" ? /^\$\{(([a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+)\}$/.exec(value) : null;
        return target ? [[attribute, { constant_value: value, references: [target[1], target[2]] }]] : [];
      }),
    );
  const plan = {
    format_version: "1.2",
    planned_values: {},
    resource_changes: changes,
    configuration: {
      root_module: {
        resources: resources.map(({ type, name, after }) => ({
          address: `${type}.${name}`,
          type,
          name,
          expressions: expressions(after),
        })),
      },
    },
  } as PlanJson;
  const relations = new PlanRelations(plan, new Map(changes.map((change) => [change.address, owner])));
  for (const change of changes) relations.add(change);
  return { relations, changes };
}

/** The attributes a binding writes as expressions (references to other resources), by resource. */
function expressionAttributes(resource: ResourceData): string[] {
  return Object.entries(resource.attributes)
    .filter(([, value]) => value instanceof TerraformExpression)
    .map(([attribute]) => attribute);
}

/** The spec of a grant of `example` on the system named `target`. */
function specFor(example: Example, target: string) {
  return {
    id: "alice-contract",
    principal: example.principal ?? "alice@example.com",
    target,
    access: example.access,
    startsAt: "2026-11-25T09:00:00Z",
    expiresAt: "2026-11-25T17:00:00Z",
    reason: "investigate INC-42",
    requestedBy: "alice@example.com",
    ...(example.credential ? { credential: example.credential } : {}),
  };
}

function grantFor(example: Example, target: string): Grant {
  const { grant, problems } = validateGrant(specFor(example, target));
  expect(problems).toEqual([]);
  return grant!;
}

/** The cdktf adapter of each kind (src/constructs/targets/), with the same props. */
const ADAPTERS: Readonly<Record<string, (props: never) => TargetBinding>> = {
  postgresql: (props) => new PostgresqlTarget(props),
  "aws-iam": (props) => new AwsIamTarget(props),
  "gcp-iam": (props) => new GcpIamTarget(props),
  kubernetes: (props) => new KubernetesTarget(props),
  custom: (props) => new CustomTarget(props),
};

/** The target resources a stack synthesizes for a grant, without their dependency on its record. */
function synthesized(adapter: TargetBinding, example: Example, types: readonly string[]) {
  const json = synthAt("2026-11-25T10:00:00Z", (stack: Construct) => {
    tempgrantProvider(stack);
    for (const name of new Set(types.map((type) => type.split("_")[0]!)))
      if (name !== "tempgrant") new RawProvider(stack, name, { type: name, source: `example/${name}` });
    new TemporaryGrant(stack, "g", { ...specFor(example, adapter.name), target: adapter });
  });
  const { tempgrant_grant: _record, ...resources } = json.resource ?? {};
  for (const byName of Object.values(resources))
    for (const values of Object.values(byName)) delete (values as { depends_on?: unknown }).depends_on;
  return resources;
}

const isDefaultPrivileged = typeMatcher(DEFAULT_PRIVILEGED_TYPES);

describe("the target registry", () => {
  it("lists each kind once, each in a folder of its name, each with an example here", () => {
    const kinds = TARGET_MODULES.map((target) => target.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toEqual(["postgresql", "aws-iam", "gcp-iam", "kubernetes", "custom"]);
    for (const kind of kinds) {
      expect(existsSync(join(root, "src", "targets", kind, "index.ts")), `src/targets/${kind}/index.ts`).toBe(
        true,
      );
      expect(EXAMPLES[kind], `an example of ${kind} in this test`).toBeDefined();
      expect(ADAPTERS[kind], `the construct of ${kind} in this test`).toBeDefined();
    }
  });

  it("declares the in-target check of each: PostgreSQL has one, the others say they have none", () => {
    const checks = Object.fromEntries(
      TARGET_MODULES.map((target) => [target.kind, target.check === null ? null : typeof target.check]),
    );
    expect(checks).toEqual({
      postgresql: "function",
      "aws-iam": null,
      "gcp-iam": null,
      kubernetes: null,
      custom: null,
    });
  });

  it("declares the relation hooks of each: AWS policies and Kubernetes roles are referred to, the others have none", () => {
    const hooks = Object.fromEntries(
      TARGET_MODULES.map((target) => [target.kind, target.readers.relations === null ? null : "hooks"]),
    );
    expect(hooks).toEqual({
      postgresql: null,
      "aws-iam": "hooks",
      "gcp-iam": null,
      kubernetes: "hooks",
      custom: null,
    });
    expect(Object.keys(RELATION_SAMPLES).sort()).toEqual(
      Object.entries(hooks)
        .filter(([, value]) => value !== null)
        .map(([kind]) => kind)
        .sort(),
    );
  });

  it("keeps each target's relation indexes apart: no index is filled by two targets", () => {
    const filledBy = new Map<RelationIndex, string>();
    for (const target of TARGET_MODULES) {
      const sample = RELATION_SAMPLES[target.kind];
      const hooks = target.readers.relations;
      if (!sample || !hooks) continue;
      const { type, after } = sample.referable;
      for (const entry of hooks.entries(type, `${type}.sample`, after)) {
        expect(filledBy.get(entry.index) ?? target.kind, entry.index.name).toBe(target.kind);
        filledBy.set(entry.index, target.kind);
      }
      for (const reference of Object.values(hooks.references))
        expect(filledBy.get(reference.byAddress) ?? target.kind).toBe(target.kind);
    }
    expect(new Set(filledBy.values())).toEqual(new Set(Object.keys(RELATION_SAMPLES)));
  });

  for (const target of TARGET_MODULES as readonly TargetModule<unknown>[]) {
    describe(target.kind, () => {
      const hooks = target.readers.relations;
      const sample = RELATION_SAMPLES[target.kind];
      if (hooks && sample)
        it("its relation hooks: its own types only, found through the registry, and read by its scope", () => {
          // What refers and what is referred to are this target's types, and the registry finds them.
          for (const [type, reference] of Object.entries(hooks.references)) {
            expect(target.readers.reads(type), type).toBe(true);
            expect(reference.attributes.length, type).toBeGreaterThan(0);
            expect(
              target.readers.reads(reference.type) && hooks.referable(reference.type),
              reference.type,
            ).toBe(true);
            expect(targetConfigReference(type)).toBe(reference);
          }
          const { referable, referrer } = sample;
          expect(target.readers.reads(referable.type) && hooks.referable(referable.type)).toBe(true);
          expect(targetRelations(referable.type)).toBe(hooks);
          expect(targetRelations(referrer.type)).toBeNull();
          expect(
            hooks.entries(referable.type, `${referable.type}.sample`, referable.after).length,
          ).toBeGreaterThan(0);
          // The referrer's scope, for the grant, in a plan that holds the referable resource for
          // `owner` (or, without an owner, does not hold it).
          const scopeOf = (owner: string | null) => {
            const inPlan = owner === null ? [] : [{ ...referable, name: "sample" }];
            const { relations } = relationsOf([...inPlan, { ...referrer, name: "sample" }], owner ?? GRANT);
            return grantedScope(referrer.type, referrer.after, { relations, owner: GRANT });
          };
          expect(scopeOf(GRANT)).toMatchObject(sample.scopeWith);
          expect(scopeOf(GRANT)).not.toMatchObject(sample.scopeWithout);
          expect(scopeOf(null)).toMatchObject(sample.scopeWithout);
          // AWS judges an attachment by the grant owning the policy; a Kubernetes role serves any binding.
          if (target.kind === "aws-iam") expect(scopeOf("someone-else")).toMatchObject(sample.scopeWithout);
        });

      for (const [index, example] of (EXAMPLES[target.kind] ?? []).entries()) {
        const binding = target.binding(example.props);
        const grant = grantFor(example, binding.name);
        const resources = binding.resources(grant);
        const json = terraformResources(resources);
        const values = resources.map((resource) => ({
          type: resource.type,
          values: json[resource.type]![resource.name],
        }));

        it(`example ${index}: validates, and refuses an access level it does not know`, () => {
          expect(binding.kind).toBe(target.kind);
          expect(binding.validate(grant)).toEqual([]);
          expect(binding.validate({ ...grant, access: "nope" }).map((problem) => problem.code)).toEqual([
            "ACCESS_UNKNOWN",
          ]);
        });

        it(`example ${index}: gives plain resources named after the grant, one part each`, () => {
          expect(resources.length).toBeGreaterThan(0);
          expect(new Set(resources.map((resource) => resource.part)).size).toBe(resources.length);
          for (const resource of resources) expect(resource.name).toMatch(/^grant_alice_contract(_|$)/);
          // Plain data all the way down: it survives a JSON round trip unchanged.
          expect(JSON.parse(JSON.stringify(json))).toEqual(json);
        });

        it(`example ${index}: the construct of the same props synthesizes exactly this data`, () => {
          const adapter = ADAPTERS[target.kind]!(example.props as never);
          expect([adapter.kind, adapter.name, adapter.nativeExpiry]).toEqual([
            binding.kind,
            binding.name,
            binding.nativeExpiry,
          ]);
          expect(synthesized(adapter, example, Object.keys(json))).toEqual(json);
        });

        it(`example ${index}: its resources read back through the registry as privileged, with their scope`, () => {
          for (const { type } of values) {
            expect(isDefaultPrivileged(type), `${type} privileged by default`).toBe(true);
            // One target at most reads a type: its own, or none for what a custom binding writes.
            expect(
              TARGET_MODULES.filter((other) => other.readers.reads(type)).map((other) => other.kind),
            ).toEqual(target.readers.privilegedTypes.length > 0 ? [target.kind] : []);
            if (target.readers.privilegedTypes.length > 0)
              expect(
                typeMatcher(target.readers.privilegedTypes)(type),
                `${type} among ${target.kind}'s own`,
              ).toBe(true);
          }
          const scopes = values.map(({ type, values }) => grantedScope(type, values));
          for (const [list, items] of Object.entries(example.scopeHolds) as [keyof GrantedScope, string[]][])
            expect(scopes.flatMap((scope) => scope[list] ?? [])).toEqual(expect.arrayContaining(items));
        });

        it(`example ${index}: every reference it writes is one its relation hooks follow to the grant's own resource`, () => {
          const planned = resources.map((resource, at) => ({
            type: resource.type,
            name: resource.name,
            after: values[at]!.values as Record<string, unknown>,
          }));
          const own = relationsOf(planned, GRANT);
          const others = relationsOf(planned, "someone-else");
          for (const [at, resource] of resources.entries()) {
            const attributes = expressionAttributes(resource);
            if (attributes.length === 0) continue;
            expect(targetConfigReference(resource.type)?.attributes, resource.type).toEqual(
              expect.arrayContaining(attributes),
            );
            for (const attribute of attributes) {
              expect(own.relations.refersOnlyToOwnResources(own.changes[at]!, attribute, GRANT)).toBe(true);
              expect(others.relations.refersOnlyToOwnResources(others.changes[at]!, attribute, GRANT)).toBe(
                false,
              );
            }
          }
          // AWS's binding attaches its policy by reference: the one the hooks must follow.
          if (target.kind === "aws-iam")
            expect(resources.flatMap(expressionAttributes)).toEqual(["policy_arn"]);
        });

        it(`example ${index}: its native expiry reads back as the grant's expiry exactly when it writes one`, () => {
          const expiries = values.map(({ type, values }) => nativeExpiryOf(type, values));
          const bearing = values.filter(({ type, values }) => isExpiryBearing(type, values));
          if (binding.nativeExpiry) {
            expect(expiries).toContain(grant.expiresAt);
            expect(bearing.length).toBeGreaterThan(0);
          } else {
            expect(expiries.filter((expiry) => expiry !== undefined)).toEqual([]);
          }
        });
      }
    });
  }
});
