import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/policy/index.js";
import { created, grantedAt, planDenials, tooWide } from "../support/plan-denials.js";

// Red-team round 4, Kubernetes: RBAC rules on resources that reach a node, every request of
// an API group or custom type, or a namespace's Pod Security level. A ClusterRole of the plan
// bound to alice, checked through the real compiled bundle with the default configuration.
const config = resolveConfig();
const t = Math.floor(Date.now() / 1000) + 60;
const denials = planDenials(config, () => t);

const roleAddress = "kubernetes_cluster_role_v1.r";
const bindingAddress = "kubernetes_cluster_role_binding_v1.grant";

/** A plan of alice's grant owning a ClusterRole `r` of `rules` and her binding to it. */
const bound = (...rules: object[]) =>
  grantedAt(t, { kind: "kubernetes", nativeExpiry: false }, [
    created(roleAddress, "kubernetes_cluster_role_v1", { metadata: [{ name: "r" }], rule: rules }),
    created(bindingAddress, "kubernetes_cluster_role_binding_v1", {
      metadata: [{ name: "tempgrant-alice-read" }],
      role_ref: [{ api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "r" }],
      subject: [{ kind: "User", name: "alice@example.com", api_group: "rbac.authorization.k8s.io" }],
    }),
  ]);

/** The denials of both the role and the binding for each of `what` (said `(in r)`). */
const bothWide = (...what: string[]) =>
  what.flatMap((w) => [tooWide(roleAddress, `${w} (in r)`), tooWide(bindingAddress, `${w} (in r)`)]).sort();

const rule = (group: string, resources: string[], verbs: string[]) => ({
  api_groups: [group],
  resources,
  verbs,
});

describe("Kubernetes RBAC that reaches a node, an API group or a namespace's guards (round 4)", () => {
  it("reads port-forwarding into pods as too wide, by any verb (a WebSocket client asks with get)", async () => {
    const what = "connecting to any port of pods, their local-only ones too, through pods/portforward";
    expect(await denials(bound(rule("", ["pods/portforward"], ["create"])))).toEqual(bothWide(what));
    expect(await denials(bound(rule("", ["pods/portforward"], ["get"])))).toEqual(bothWide(what));
  });

  it("reads writing or deleting nodes and their status as too wide, and passes reading them", async () => {
    const what = (resource: string) =>
      `writing nodes, which decides where pods run and where the API server's kubelet traffic goes, through ${resource}`;
    for (const verb of ["create", "update", "patch", "delete"])
      expect([verb, await denials(bound(rule("", ["nodes"], [verb])))]).toEqual([
        verb,
        bothWide(what("nodes")),
      ]);
    expect(await denials(bound(rule("", ["nodes/status"], ["patch"])))).toEqual(
      bothWide(what("nodes/status")),
    );
    expect(await denials(bound(rule("", ["nodes", "nodes/status"], ["get", "list", "watch"])))).toEqual([]);
  });

  it("reads writing persistent volumes, API services and custom resource definitions as too wide", async () => {
    expect(await denials(bound(rule("", ["persistentvolumes"], ["create"])))).toEqual(
      bothWide(
        "writing persistent volumes, which can mount any path of a node (hostPath), through persistentvolumes",
      ),
    );
    expect(await denials(bound(rule("apiregistration.k8s.io", ["apiservices"], ["update"])))).toEqual(
      bothWide("sending an API group's requests to any service through apiservices"),
    );
    expect(
      await denials(bound(rule("apiextensions.k8s.io", ["customresourcedefinitions"], ["patch"]))),
    ).toEqual(
      bothWide(
        "a conversion webhook that sees and rewrites every object of a custom type, through customresourcedefinitions",
      ),
    );
    expect(
      await denials(
        bound(
          rule("", ["persistentvolumes"], ["get", "list"]),
          rule("apiregistration.k8s.io", ["apiservices"], ["get"]),
          rule("apiextensions.k8s.io", ["customresourcedefinitions"], ["list"]),
        ),
      ),
    ).toEqual([]);
  });

  it("reads writing admission policies and their bindings as too wide (admissionregistration)", async () => {
    expect(
      await denials(
        bound(
          rule(
            "admissionregistration.k8s.io",
            ["validatingadmissionpolicies", "validatingadmissionpolicybindings"],
            ["create"],
          ),
        ),
      ),
    ).toEqual(
      bothWide(
        "admission control over every request through validatingadmissionpolicies",
        "admission control over every request through validatingadmissionpolicybindings",
      ),
    );
  });

  it("reads relabelling namespaces as too wide, and passes creating or deleting one", async () => {
    const what =
      "relabelling namespaces, which lifts their Pod Security level and webhook selectors, through namespaces";
    expect(await denials(bound(rule("", ["namespaces"], ["patch"])))).toEqual(bothWide(what));
    expect(await denials(bound(rule("", ["namespaces"], ["*"])))).toEqual(
      [
        ...bothWide(what),
        tooWide(roleAddress, '"* namespaces"'),
        tooWide(bindingAddress, '"* namespaces"'),
      ].sort(),
    );
    expect(await denials(bound(rule("", ["namespaces"], ["create", "delete", "get"])))).toEqual([]);
  });
});

describe("Kubernetes RBAC that reaches aws-auth or a running pod (red team, round 4b)", () => {
  const CONFIGMAPS =
    "writing configmaps cluster-wide or in kube-system, where EKS's aws-auth maps IAM roles to any group, system:masters too";

  /** A plan of alice's grant owning a Role `r` in `namespace` of `rules`, and her RoleBinding to it there. */
  const boundIn = (namespace: string, ...rules: object[]) =>
    grantedAt(t, { kind: "kubernetes", nativeExpiry: false }, [
      created("kubernetes_role_v1.r", "kubernetes_role_v1", {
        metadata: [{ name: "r", namespace }],
        rule: rules,
      }),
      created("kubernetes_role_binding_v1.grant", "kubernetes_role_binding_v1", {
        metadata: [{ name: "tempgrant-alice-read", namespace }],
        role_ref: [{ api_group: "rbac.authorization.k8s.io", kind: "Role", name: "r" }],
        subject: [{ kind: "User", name: "alice@example.com", api_group: "rbac.authorization.k8s.io" }],
      }),
    ]);
  const bothWideIn = (what: string) =>
    [
      tooWide("kubernetes_role_v1.r", `${what} (in r)`),
      tooWide("kubernetes_role_binding_v1.grant", `${what} (in r)`),
    ].sort();

  it("reads writing configmaps cluster-wide, or in kube-system, as too wide", async () => {
    for (const verb of ["create", "update", "patch", "delete"])
      expect([verb, await denials(bound(rule("", ["configmaps"], [verb])))]).toEqual([
        verb,
        bothWide(CONFIGMAPS),
      ]);
    expect(await denials(boundIn("kube-system", rule("", ["configmaps"], ["patch"])))).toEqual(
      bothWideIn(CONFIGMAPS),
    );
  });

  it("reads a Role that names no namespace (a manifest lands in the kubeconfig's) as anywhere", async () => {
    const manifest = (metadata: object) =>
      grantedAt(t, { kind: "kubernetes", nativeExpiry: false }, [
        created("kubernetes_manifest.r", "kubernetes_manifest", {
          manifest: {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name: "r", ...metadata },
            rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["patch"] }],
          },
        }),
      ]);
    for (const metadata of [{}, { namespace: "" }, { namespace: " " }])
      expect(await denials(manifest(metadata))).toContain(
        tooWide("kubernetes_manifest.r", `${CONFIGMAPS} (in r)`),
      );
    expect(await denials(manifest({ namespace: "orders" }))).toEqual([]);
  });

  it("passes writing configmaps in an application's namespace, and reading them anywhere", async () => {
    expect(
      await denials(boundIn("orders", rule("", ["configmaps"], ["create", "update", "patch", "delete"]))),
    ).toEqual([]);
    expect(await denials(bound(rule("", ["configmaps"], ["get", "list", "watch"])))).toEqual([]);
  });

  it("reads changing a running pod as too wide, as creating one (its new image runs with the pod's token)", async () => {
    const what =
      "writing pods (creating one, or changing a running pod's image), which run with any service account token of the namespace";
    for (const verb of ["create", "update", "patch"])
      expect([verb, await denials(boundIn("orders", rule("", ["pods"], [verb])))]).toEqual([
        verb,
        bothWideIn(what),
      ]);
    expect(await denials(boundIn("orders", rule("", ["pods"], ["get", "list", "delete"])))).toEqual([]);
  });
});
