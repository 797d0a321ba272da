import { describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import { planDenials, tooWide, notPrincipal } from "../support/plan-denials.js";
import { aliceRecord } from "../support/grant-record.js";

// The red team's Kubernetes findings: manifests whose kind is known only after apply,
// Kubernetes' own `system:` roles and groups, rules that reach past what they name, and the
// resources that mint credentials. Crafted plan JSON shaped as the kubernetes and kubectl
// providers write it, checked by the real bundle (as target-semantics.test.ts does).
const config = resolveConfig();

const t = Math.floor(Date.now() / 1000) + 60;
const expires = formatTimestamp(t + 3_600);

const denials = planDenials(config, () => t);

type Change = ReturnType<typeof change>;

function change(
  address: string,
  type: string,
  after: object | null,
  afterUnknown: object = {},
  actions = ["create"],
  before: object | null = null,
) {
  return {
    address,
    mode: "managed",
    type,
    name: address.split(".").pop(),
    change: { actions, before, after, after_unknown: afterUnknown },
  };
}

const doc = (changes: object[]) => ({
  format_version: "1.2",
  timestamp: formatTimestamp(t),
  planned_values: {},
  resource_changes: changes,
});

/** A plan whose one grant record (a Kubernetes binding, no native expiry) owns `changes`. */
const granted = (...changes: Change[]) =>
  doc([
    change("terraform_data.grant", "terraform_data", {
      input: aliceRecord({
        id: "alice-read",
        target: "prod",
        expiresAt: expires,
        ticket: "INC-42",
        binding: "kubernetes",
        nativeExpiry: false,
        resources: changes.map((c) => c.address),
      }),
    }),
    ...changes,
  ]);

/** A plan of standing resources: no grant record. */
const standing = (...changes: Change[]) => doc(changes);

const unmanaged = (address: string, type: string) =>
  `unmanaged/privileged-without-grant: ${address} (${type}) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry`;
const unknownAtPlan = (address: string, type: string, path: string) =>
  `unknown/known-at-plan: ${address} (${type}): ${path} is known only after apply; access must be decided when the plan is checked`;

const alice = [{ kind: "User", name: "alice@example.com", api_group: "rbac.authorization.k8s.io" }];
const bindingAddress = "kubernetes_cluster_role_binding_v1.grant";

const binding = (role: string, subject: object[] = alice) =>
  change(bindingAddress, "kubernetes_cluster_role_binding_v1", {
    metadata: [{ name: "tempgrant-alice-read" }],
    role_ref: [{ api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role }],
    subject,
  });
const roleAddress = "kubernetes_cluster_role_v1.r";
const role = (rules: object[]) =>
  change(roleAddress, "kubernetes_cluster_role_v1", { metadata: [{ name: "r" }], rule: rules });

const crbManifest = {
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: { name: "standing" },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
  subjects: [{ kind: "User", name: "mallory", apiGroup: "rbac.authorization.k8s.io" }],
};
const unreadable = (address: string) =>
  tooWide(
    address,
    "a manifest tempgrant cannot read (its body or kind unknown at plan time, or not one object)",
  );

describe("Kubernetes: what stays narrow", () => {
  it("passes a binding to a narrow role, view, and manifests and Secrets that grant nothing", async () => {
    const narrow = role([
      { api_groups: [""], resources: ["pods", "serviceaccounts", "nodes"], verbs: ["get", "list"] },
      { api_groups: ["rbac.authorization.k8s.io"], resources: ["clusterrolebindings"], verbs: ["get"] },
      { non_resource_urls: ["/healthz", "/metrics"], verbs: ["get"] },
    ]);
    expect(await denials(granted(narrow, binding("r")))).toEqual([]);
    expect(await denials(granted(binding("view")))).toEqual([]);
    // Not too wide; but a Group or ServiceAccount is not the grant's principal.
    const kinds = [{ kind: "Group", name: "oncall" }, ...alice, { kind: "ServiceAccount", name: "ci" }];
    expect(await denials(granted(binding("view", kinds)))).toEqual([
      notPrincipal(bindingAddress, "ci"),
      notPrincipal(bindingAddress, "oncall"),
    ]);
    expect(
      await denials(
        standing(
          change("kubectl_manifest.cm", "kubectl_manifest", {
            yaml_body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
          }),
          change("kubernetes_manifest.secret", "kubernetes_manifest", {
            manifest: { apiVersion: "v1", kind: "Secret", metadata: { name: "app" } },
          }),
          change("kubernetes_secret_v1.app", "kubernetes_secret_v1", {
            metadata: [{ name: "app" }],
            type: "Opaque",
          }),
        ),
      ),
    ).toEqual([]);
  });
});

describe("Kubernetes manifests whose kind cannot be read at plan time (finding 1)", () => {
  it("makes a kubectl_manifest whose yaml_body is known only after apply privileged", async () => {
    const address = "kubectl_manifest.m";
    const m = change(address, "kubectl_manifest", { wait: null }, { yaml_body: true, kind: true, id: true });
    expect(await denials(standing(m))).toEqual([
      unreadable(address),
      unknownAtPlan(address, "kubectl_manifest", "kind"),
      unknownAtPlan(address, "kubectl_manifest", "yaml_body"),
      unmanaged(address, "kubectl_manifest"),
    ]);
    // Owned by a grant, it is still refused: what it creates is decided only after apply.
    expect(await denials(granted(m))).toEqual([
      unreadable(address),
      unknownAtPlan(address, "kubectl_manifest", "kind"),
      unknownAtPlan(address, "kubectl_manifest", "yaml_body"),
    ]);
  });

  it("makes a kubernetes_manifest whose manifest, or its kind, is known only after apply privileged", async () => {
    const address = "kubernetes_manifest.m";
    expect(
      await denials(standing(change(address, "kubernetes_manifest", {}, { manifest: true, object: true }))),
    ).toEqual([
      unreadable(address),
      unknownAtPlan(address, "kubernetes_manifest", "manifest"),
      unknownAtPlan(address, "kubernetes_manifest", "object"),
      unmanaged(address, "kubernetes_manifest"),
    ]);
    const kindUnknown = change(
      address,
      "kubernetes_manifest",
      { manifest: { apiVersion: "rbac.authorization.k8s.io/v1", metadata: { name: "x" } } },
      { manifest: { kind: true } },
    );
    expect(await denials(standing(kindUnknown))).toEqual([
      unreadable(address),
      unknownAtPlan(address, "kubernetes_manifest", "manifest.kind"),
      unmanaged(address, "kubernetes_manifest"),
    ]);
  });

  it("reads a kubectl_manifest body written as JSON or with merge keys, and refuses several documents or a List", async () => {
    const address = "kubectl_manifest.m";
    const body = (yaml_body: string) => standing(change(address, "kubectl_manifest", { yaml_body }));
    const asAdmin = [
      tooWide(address, '"* */*"'),
      tooWide(address, 'the role "cluster-admin"'),
      unmanaged(address, "kubectl_manifest"),
    ];
    expect(await denials(body(JSON.stringify(crbManifest)))).toEqual(asAdmin);
    // YAML 1.1 merge keys, which kubectl applies: the roleRef comes from the anchor.
    const merged =
      "ref: &ref\n  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n" +
      "<<: *ref\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: m}\n" +
      "subjects: [{kind: User, name: mallory}]\n";
    expect(await denials(body(merged))).toEqual(asAdmin);
    for (const yaml of [
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n${JSON.stringify(crbManifest)}\n`,
      JSON.stringify({ apiVersion: "v1", kind: "List", items: [crbManifest] }),
      `- ${JSON.stringify(crbManifest)}\n`,
    ])
      expect(await denials(body(yaml))).toEqual([
        unreadable(address),
        unmanaged(address, "kubectl_manifest"),
      ]);
  });

  it("judges a forgotten manifest by what it held", async () => {
    const address = "kubernetes_manifest.m";
    const forgotten = change(address, "kubernetes_manifest", null, {}, ["forget"], { manifest: crbManifest });
    expect(await denials(standing(forgotten))).toEqual([
      `unmanaged/privileged-without-grant: ${address} (kubernetes_manifest) would be forgotten by tofu and stay in the target with nothing to revoke it: destroy it instead`,
    ]);
  });
});

describe("Kubernetes' own roles and groups (findings 7 and 8)", () => {
  it("reads a binding to a system: role the plan does not define as too wide", async () => {
    for (const name of [
      "system:aggregate-to-edit",
      "system:aggregate-to-admin",
      "system:controller:clusterrole-aggregation-controller",
      "system:node",
      "system:kube-controller-manager",
    ])
      expect(await denials(granted(binding(name)))).toEqual([
        tooWide(bindingAddress, `the built-in role ${name}, whose rules tempgrant does not read`),
      ]);
  });

  it("reads groups that cover a whole class of identities as too wide", async () => {
    for (const [name, what] of [
      ["system:serviceaccounts", "every service account"],
      ["system:serviceaccounts:kube-system", "every service account of a namespace"],
      ["system:nodes", "every node"],
      ["system:bootstrappers", "every bootstrap token"],
      ["system:bootstrappers:kubeadm:default-node-token", "every bootstrap token"],
      ["system:masters", "the cluster's superusers"],
      ["system:monitoring", "a group Kubernetes fills itself"],
      ["system:unauthenticated", "everyone"],
    ]) {
      const subject = { kind: "Group", name: name!, api_group: "rbac.authorization.k8s.io" };
      expect(await denials(granted(binding("view", [subject])))).toEqual([
        notPrincipal(bindingAddress, name!),
        tooWide(bindingAddress, `the subject Group ${name} (${what})`),
      ]);
    }
  });
});

describe("RBAC rules that reach past what they name (finding 9)", () => {
  const wideRule = async (rule: object, ...what: string[]) =>
    expect(await denials(granted(role([rule]), binding("r")))).toEqual(
      what.flatMap((w) => [tooWide(roleAddress, w), tooWide(bindingAddress, w)]).sort(),
    );

  it("reads non-resource URLs, and * among them as every one", async () => {
    await wideRule({ non_resource_urls: ["*"], verbs: ["get"] }, '"get *"', "every non-resource URL (in r)");
  });

  it("reads minting service account tokens as too wide", async () => {
    const rule = { api_groups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] };
    await wideRule(rule, "minting service account tokens through serviceaccounts/token (in r)");
  });

  it("reads the kubelet API and exec into pods as too wide", async () => {
    await wideRule(
      { api_groups: [""], resources: ["nodes/proxy"], verbs: ["get"] },
      "the kubelet API through nodes/proxy (in r)",
    );
    await wideRule(
      { api_groups: [""], resources: ["pods/exec"], verbs: ["create"] },
      "running commands in pods, and so their tokens, through pods/exec (in r)",
    );
  });

  it("reads approving certificates as too wide", async () => {
    await wideRule(
      {
        api_groups: ["certificates.k8s.io"],
        resources: ["certificatesigningrequests/approval", "signers"],
        verbs: ["update", "approve"],
      },
      "approving certificate requests through certificatesigningrequests/approval (in r)",
      "approving or signing certificates through signers (in r)",
    );
  });

  it("reads writing admission webhooks and RBAC as too wide", async () => {
    await wideRule(
      {
        api_groups: ["admissionregistration.k8s.io"],
        resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
        verbs: ["patch"],
      },
      "admission control over every request through mutatingwebhookconfigurations (in r)",
      "admission control over every request through validatingwebhookconfigurations (in r)",
    );
    await wideRule(
      { api_groups: ["rbac.authorization.k8s.io"], resources: ["clusterrolebindings"], verbs: ["create"] },
      "writing RBAC that outlives the grant through clusterrolebindings (in r)",
    );
  });
});

describe("Kubernetes resources that mint credentials (finding 2)", () => {
  it("makes a Secret holding a service account token privileged, or one whose type is unknown", async () => {
    const token = { metadata: [{ name: "t" }], type: "kubernetes.io/service-account-token" };
    for (const type of ["kubernetes_secret", "kubernetes_secret_v1"])
      expect(await denials(standing(change(`${type}.t`, type, token)))).toEqual([
        unmanaged(`${type}.t`, type),
      ]);
    const typeUnknown = change(
      "kubernetes_secret_v1.t",
      "kubernetes_secret_v1",
      { metadata: [{ name: "t" }] },
      {
        type: true,
      },
    );
    expect(await denials(standing(typeUnknown))).toEqual([
      unknownAtPlan("kubernetes_secret_v1.t", "kubernetes_secret_v1", "type"),
      unmanaged("kubernetes_secret_v1.t", "kubernetes_secret_v1"),
    ]);
    const manifest = (secret: object, unknown: object = {}) =>
      standing(
        change(
          "kubernetes_manifest.t",
          "kubernetes_manifest",
          { manifest: { apiVersion: "v1", kind: "Secret", metadata: { name: "t" }, ...secret } },
          unknown,
        ),
      );
    expect(await denials(manifest({ type: "kubernetes.io/service-account-token" }))).toEqual([
      unmanaged("kubernetes_manifest.t", "kubernetes_manifest"),
    ]);
    expect(await denials(manifest({}, { manifest: { type: true } }))).toEqual([
      unknownAtPlan("kubernetes_manifest.t", "kubernetes_manifest", "manifest.type"),
      unmanaged("kubernetes_manifest.t", "kubernetes_manifest"),
    ]);
  });

  it("makes token requests and certificate requests privileged, and what nothing revokes too wide", async () => {
    const request = change("kubernetes_token_request_v1.t", "kubernetes_token_request_v1", {
      metadata: [{ name: "admin-sa", namespace: "kube-system" }],
      spec: [{ audiences: [], expiration_seconds: 3600 }],
    });
    expect(await denials(standing(request))).toEqual([
      tooWide("kubernetes_token_request_v1.t", "a service account token that destroying it does not revoke"),
      unmanaged("kubernetes_token_request_v1.t", "kubernetes_token_request_v1"),
    ]);
    const csr = (type: string, autoApprove: boolean) =>
      change(`${type}.c`, type, {
        metadata: [{ name: "c" }],
        auto_approve: autoApprove,
        spec: [{ signer_name: "kubernetes.io/kube-apiserver-client", request: "x", usages: ["client auth"] }],
      });
    for (const type of [
      "kubernetes_certificate_signing_request",
      "kubernetes_certificate_signing_request_v1",
    ]) {
      expect(await denials(standing(csr(type, true)))).toEqual([
        tooWide(`${type}.c`, "a certificate the plan approves (auto_approve), which nothing revokes"),
        unmanaged(`${type}.c`, type),
      ]);
      // Not approved by the plan: a request only, the grant's own.
      expect(await denials(granted(csr(type, false)))).toEqual([]);
    }
  });
});

describe("labels that aggregate a role into the built-in ones", () => {
  const labels = (kind: string, keys: Record<string, string>) =>
    change("kubernetes_labels.agg", "kubernetes_labels", {
      api_version: "rbac.authorization.k8s.io/v1",
      kind,
      metadata: [{ name: "escalate-me" }],
      labels: keys,
    });
  const aggregation = { "rbac.authorization.k8s.io/aggregate-to-admin": "true" };

  it("makes an aggregation label on a ClusterRole privileged and too wide, and leaves other labels alone", async () => {
    const aggregating = tooWide(
      "kubernetes_labels.agg",
      "an aggregation label on a role, which adds its rules to the built-in admin, edit or view",
    );
    expect(await denials(standing(labels("ClusterRole", aggregation)))).toEqual([
      aggregating,
      unmanaged("kubernetes_labels.agg", "kubernetes_labels"),
    ]);
    expect(await denials(granted(labels("ClusterRole", aggregation)))).toEqual([aggregating]);
    expect(await denials(standing(labels("ClusterRole", { team: "payments" })))).toEqual([]);
    expect(await denials(standing(labels("ConfigMap", aggregation)))).toEqual([]);
  });
});

describe("pods and workloads reach the namespace's service account tokens (r2b finding 4)", () => {
  const wideRule = async (rule: object, ...what: string[]) =>
    expect(await denials(granted(role([rule]), binding("r")))).toEqual(
      what.flatMap((w) => [tooWide(roleAddress, w), tooWide(bindingAddress, w)]).sort(),
    );

  it("reads creating pods, ephemeral containers and workloads as too wide", async () => {
    await wideRule(
      { api_groups: [""], resources: ["pods"], verbs: ["create"] },
      "writing pods (creating one, or changing a running pod's image), which run with any service account token of the namespace (in r)",
    );
    await wideRule(
      { api_groups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"] },
      "adding containers to running pods, and so their tokens, through pods/ephemeralcontainers (in r)",
    );
    await wideRule(
      { api_groups: ["apps"], resources: ["deployments"], verbs: ["create"] },
      "writing deployments, whose pods run with any service account token of the namespace (in r)",
    );
  });

  it("passes reading pods, and writing a workload's scale or a pod's status", async () => {
    const narrow = role([
      { api_groups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "delete"] },
      { api_groups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] },
    ]);
    expect(await denials(granted(narrow, binding("r")))).toEqual([]);
  });
});

describe("ClusterRoles under a built-in name (r2b finding 4)", () => {
  const named = (name: string) =>
    change(roleAddress, "kubernetes_cluster_role_v1", {
      metadata: [{ name }],
      rule: [{ api_groups: [""], resources: ["pods"], verbs: ["get"] }],
    });
  const shadow = (name: string) =>
    tooWide(
      roleAddress,
      `the ClusterRole ${name}, a name Kubernetes keeps for a built-in role whose rules it restores`,
    );

  it("refuses defining one, and reads a binding to it as the built-in role", async () => {
    const editWide = [
      "access to secrets (in edit)",
      "running commands in pods, and so their tokens, through pods/exec (in edit)",
      "the verb impersonate (in edit)",
    ].map((what) => tooWide(bindingAddress, what));
    expect(await denials(granted(named("edit"), binding("edit")))).toEqual(
      [shadow("edit"), ...editWide].sort(),
    );
    const manifest = change("kubectl_manifest.r", "kubectl_manifest", {
      yaml_body:
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: edit\nrules:\n- apiGroups: ['']\n  resources: ['pods']\n  verbs: ['get']\n",
    });
    expect(await denials(granted(manifest, binding("edit")))).toEqual(
      [
        tooWide(
          "kubectl_manifest.r",
          "the ClusterRole edit, a name Kubernetes keeps for a built-in role whose rules it restores",
        ),
        ...editWide,
      ].sort(),
    );
    for (const name of ["view", "cluster-admin", "system:aggregate-to-view"])
      expect(await denials(granted(named(name)))).toEqual([shadow(name)]);
    const system = "the built-in role system:controller:x, whose rules tempgrant does not read";
    expect(await denials(granted(named("system:controller:x"), binding("system:controller:x")))).toEqual(
      [shadow("system:controller:x"), tooWide(bindingAddress, system)].sort(),
    );
  });

  it("passes a narrow ClusterRole of another name", async () => {
    expect(await denials(granted(named("edit-pods-readonly"), binding("edit-pods-readonly")))).toEqual([]);
  });
});

describe("kubectl_manifest's override_namespace (r2b finding 4)", () => {
  const roleBinding = (namespace: string, extra: object = {}) =>
    change("kubectl_manifest.b", "kubectl_manifest", {
      yaml_body: `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\n  namespace: ${namespace}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: pod-reader\nsubjects:\n- kind: User\n  name: alice@example.com\n`,
      ...extra,
    });
  const podReader = change("kubernetes_role_v1.r", "kubernetes_role_v1", {
    metadata: [{ name: "pod-reader", namespace: "sandbox" }],
    rule: [{ api_groups: [""], resources: ["pods"], verbs: ["get"] }],
  });

  it("binds the role of the namespace the object is applied in", async () => {
    expect(await denials(granted(podReader, roleBinding("sandbox")))).toEqual([]);
    // Applied in kube-system: not the sandbox role, a role the plan does not hold.
    const moved = await denials(
      granted(podReader, roleBinding("sandbox", { override_namespace: "kube-system" })),
    );
    const same = await denials(granted(podReader, roleBinding("kube-system")));
    expect(moved).toEqual(same);
    const secrets = change("kubernetes_role_v1.r", "kubernetes_role_v1", {
      metadata: [{ name: "pod-reader", namespace: "kube-system" }],
      rule: [{ api_groups: [""], resources: ["secrets"], verbs: ["get"] }],
    });
    expect(
      await denials(granted(secrets, roleBinding("sandbox", { override_namespace: "kube-system" }))),
    ).toEqual([
      tooWide("kubectl_manifest.b", "access to secrets (in pod-reader)"),
      tooWide("kubernetes_role_v1.r", "access to secrets (in pod-reader)"),
    ]);
    // Without it, the binding is in sandbox, where the plan holds no such role.
    expect(await denials(granted(secrets, roleBinding("sandbox")))).toEqual([
      tooWide("kubernetes_role_v1.r", "access to secrets (in pod-reader)"),
    ]);
  });
});

describe("objects that grant cluster access outside RBAC (r2b finding 5)", () => {
  const mapRoles =
    "- rolearn: arn:aws:iam::111122223333:role/ops\n  username: ops\n  groups: [system:masters]\n";
  const masters = (address: string, key = "mapRoles") =>
    tooWide(
      address,
      `the group system:masters in aws-auth ${key} (cluster-admin that no binding takes back)`,
    );

  it("makes aws-auth in kube-system privileged, and system:masters in it too wide", async () => {
    for (const type of [
      "kubernetes_config_map",
      "kubernetes_config_map_v1",
      "kubernetes_config_map_v1_data",
    ]) {
      const awsAuth = (data: object) =>
        change(`${type}.a`, type, { metadata: [{ name: "aws-auth", namespace: "kube-system" }], data });
      expect(await denials(standing(awsAuth({ mapRoles })))).toEqual([
        masters(`${type}.a`),
        unmanaged(`${type}.a`, type),
      ]);
      const ops = { mapUsers: "- userarn: arn:aws:iam::111122223333:user/ops\n  groups: [ops-readers]\n" };
      expect(await denials(standing(awsAuth(ops)))).toEqual([unmanaged(`${type}.a`, type)]);
      // An escape in a quoted YAML string does not hide it.
      const escaped = { mapUsers: '- userarn: arn:aws:iam::1:user/m\n  groups: ["system\\x3amasters"]\n' };
      expect(await denials(standing(awsAuth(escaped)))).toEqual([
        masters(`${type}.a`, "mapUsers"),
        unmanaged(`${type}.a`, type),
      ]);
    }
    const manifest = change("kubernetes_manifest.a", "kubernetes_manifest", {
      manifest: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "aws-auth", namespace: "kube-system" },
        data: { mapRoles },
      },
    });
    expect(await denials(standing(manifest))).toEqual([
      masters("kubernetes_manifest.a"),
      unmanaged("kubernetes_manifest.a", "kubernetes_manifest"),
    ]);
  });

  it("leaves an ordinary ConfigMap alone, and one named aws-auth elsewhere", async () => {
    const configMap = (name: string, namespace: string) =>
      change(`kubernetes_config_map_v1.${name}`, "kubernetes_config_map_v1", {
        metadata: [{ name, namespace }],
        data: { mapRoles },
      });
    expect(
      await denials(standing(configMap("app", "kube-system"), configMap("aws-auth", "default"))),
    ).toEqual([]);
  });

  it("makes admission webhooks privileged and too wide, by type or as a manifest", async () => {
    const wide = "an admission webhook or policy, which sees, refuses or rewrites every object it matches";
    for (const type of [
      "kubernetes_mutating_webhook_configuration",
      "kubernetes_mutating_webhook_configuration_v1",
      "kubernetes_validating_webhook_configuration",
      "kubernetes_validating_webhook_configuration_v1",
    ]) {
      const webhook = change(`${type}.w`, type, {
        metadata: [{ name: "w" }],
        webhook: [{ name: "w.example.com", client_config: [{ url: "https://hooks.example.com" }] }],
      });
      expect(await denials(standing(webhook))).toEqual([
        tooWide(`${type}.w`, wide),
        unmanaged(`${type}.w`, type),
      ]);
    }
    for (const kind of [
      "MutatingWebhookConfiguration",
      "ValidatingWebhookConfiguration",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
    ]) {
      const manifest = change("kubernetes_manifest.w", "kubernetes_manifest", {
        manifest: { apiVersion: "admissionregistration.k8s.io/v1", kind, metadata: { name: "w" } },
      });
      expect([kind, await denials(standing(manifest))]).toEqual([
        kind,
        [tooWide("kubernetes_manifest.w", wide), unmanaged("kubernetes_manifest.w", "kubernetes_manifest")],
      ]);
      const yaml = change("kubectl_manifest.w", "kubectl_manifest", {
        yaml_body: `apiVersion: admissionregistration.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: w\n`,
      });
      expect(await denials(standing(yaml))).toEqual([
        tooWide("kubectl_manifest.w", wide),
        unmanaged("kubectl_manifest.w", "kubectl_manifest"),
      ]);
    }
  });
});
