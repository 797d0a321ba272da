import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cdktf from "cdktf";
import * as cdktn from "cdktn";
import { afterAll, describe, expect, it } from "vitest";
import {
  AwsIamTarget,
  CONTEXT,
  CustomTarget,
  GcpIamTarget,
  KubernetesTarget,
  localStateBackend,
  RawProvider,
  RawResource,
  setGrantClock,
  synthesize,
  tempgrantProvider,
  YamlGrants,
} from "../../src/constructs/index.js";
import { parseTimestamp } from "../../src/grant/index.js";
import { declarePaymentsGrants } from "../../stacks/reference/payments-team.js";
import { REFERENCE_GRANTS_DIR } from "../../stacks/reference/prod-stack.js";
import { REFERENCE_TARGETS } from "../../stacks/reference/targets.js";

// The same constructs in a stack written with cdktf and in one written with CDK Terrain
// (cdktn, the maintained fork): the grants synthesized must be the same.

const scratch = mkdtempSync(join(tmpdir(), "tempgrant-cdktn-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The two libraries, as a stack author imports them (cdktn keeps cdktf's API). */
const LIBRARIES = { cdktf, cdktn: cdktn as unknown as typeof cdktf } as const;
type LibraryName = keyof typeof LIBRARIES;

const aws = new AwsIamTarget({
  name: "prod-aws",
  principalType: "role",
  accessLevels: { read: { actions: ["rds:Describe*"], resources: ["*"] } },
});
const gcp = new GcpIamTarget({
  name: "prod-gcp",
  project: "acme-prod",
  roles: { read: "roles/cloudsql.viewer" },
});
const k8s = new KubernetesTarget({
  name: "prod-k8s",
  namespace: "orders",
  roles: { read: { kind: "ClusterRole", name: "view" } },
});

/** YAML grants on the targets of other kinds: the same file is read by both stacks. */
const cloudGrants = join(scratch, "cloud.yaml");
const cloudGrant = (id: string, target: string, principal: string, access = "read") =>
  [
    `  - id: ${id}`,
    `    principal: ${principal}`,
    `    target: ${target}`,
    `    access: ${access}`,
    "    startsAt: 2027-01-11T08:00:00Z",
    "    expiresAt: 2027-01-11T20:00:00Z",
    "    reason: look at replication lag",
    "    ticket: OPS-7",
    "    requestedBy: dave@example.com",
    "    approvedBy: [erin@example.com]",
  ].join("\n");
writeFileSync(
  cloudGrants,
  [
    "grants:",
    cloudGrant("dave-aws", "prod-aws", "oncall-dave"),
    cloudGrant("dave-gcp", "prod-gcp", "dave@example.com"),
    cloudGrant("dave-k8s", "prod-k8s", "dave@example.com"),
    cloudGrant("dave-gh", "github", "dave", "maintain"),
    "",
  ].join("\n"),
);
/** A grant on a target no stack binds: listed as invalid when synthesized as a sweep does. */
const brokenGrants = join(scratch, "broken.yaml");
writeFileSync(brokenGrants, ["grants:", cloudGrant("dave-db", "no-such-db", "dave"), ""].join("\n"));

/**
 * One stack's content, written once: the reference stack's grants (TypeScript and YAML, both
 * PostgreSQL modes), a grant on each other built-in target, and a custom target whose
 * attribute is a token of the stack's own library (a reference to another resource).
 */
function declareGrants(library: LibraryName, stack: cdktf.TerraformStack, skipInvalid = false): void {
  const { TerraformResource } = LIBRARIES[library];
  localStateBackend(stack, stack.node.id, { projectDir: scratch, outdir: join(scratch, library) });
  tempgrantProvider(stack, { sslmode: "disable" });
  for (const [type, source] of [
    ["aws", "hashicorp/aws"],
    ["google", "hashicorp/google"],
    ["kubernetes", "hashicorp/kubernetes"],
    ["github", "integrations/github"],
  ] as const) {
    new RawProvider(stack, type, { type, source });
  }
  declarePaymentsGrants(stack);
  new YamlGrants(stack, "data-team", { dir: REFERENCE_GRANTS_DIR, targets: REFERENCE_TARGETS });
  // A target whose attribute is a token of the stack's own library: a reference to a team.
  const team = new TerraformResource(stack, "sre-team", { terraformResourceType: "github_team" });
  team.overrideLogicalId("sre");
  const github = new CustomTarget({
    name: "github",
    kind: "github-team",
    accessLevels: ["maintain"],
    resources: (g) => [
      {
        type: "github_team_membership",
        attributes: { username: g.principal, team_id: team.getStringAttribute("id"), role: "maintainer" },
      },
    ],
  });
  new YamlGrants(stack, "cloud", {
    files: skipInvalid ? [cloudGrants, brokenGrants] : [cloudGrants],
    targets: [aws, gcp, k8s, github],
  });
}

/** Synthesized Terraform JSON, as the tests compare it. */
interface StackJson {
  "//"?: { metadata?: Record<string, unknown>; tempgrant?: { grants?: Record<string, unknown> } };
  resource?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * The stack `prod` synthesized with one library's App and TerraformStack at an instant; with
 * `skipInvalid`, as a sweep does (an invalid grant is listed, not synthesized).
 */
function synthWith(library: LibraryName, now: string, skipInvalid = false): StackJson {
  const parsed = parseTimestamp(now);
  if (!parsed.ok) throw new Error(parsed.message);
  const { App, TerraformStack } = LIBRARIES[library];
  const outdir = join(scratch, library);
  const app = new App({ outdir });
  setGrantClock(app, { now: parsed.instant.seconds });
  if (skipInvalid) app.node.setContext(CONTEXT.invalidGrants, "skip");
  declareGrants(library, new TerraformStack(app, "prod"), skipInvalid);
  app.synth();
  return JSON.parse(readFileSync(join(outdir, "stacks", "prod", "cdk.tf.json"), "utf8")) as StackJson;
}

/** The JSON without the one field that names the library's version (`//.metadata.version`). */
function withoutLibraryVersion(json: StackJson): StackJson {
  const { version: _version, ...metadata } = json["//"]?.metadata ?? {};
  return { ...json, "//": { ...json["//"], metadata } };
}

describe("constructs in a cdktn stack", () => {
  it("synthesize the same grants as in a cdktf stack: records, target resources and listing", () => {
    const runs = [
      ["2027-01-11T10:00:00Z", false],
      ["2027-01-12T02:30:00Z", false],
      ["2027-02-01T00:00:00Z", false],
      ["2027-01-11T10:00:00Z", true],
    ] as const;
    for (const [now, skipInvalid] of runs) {
      const withCdktf = synthWith("cdktf", now, skipInvalid);
      const withCdktn = synthWith("cdktn", now, skipInvalid);
      // The two differ only in the version the metadata names (each library's own).
      expect(withCdktf["//"]?.metadata?.version).toBe("0.21.0");
      expect(withCdktn["//"]?.metadata?.version).toBe("0.24.0");
      expect([now, skipInvalid, withoutLibraryVersion(withCdktn)]).toEqual([
        now,
        skipInvalid,
        withoutLibraryVersion(withCdktf),
      ]);
    }
    // Not equal by being empty: at 10:00 on the 11th, every kind of target has an active grant.
    const json = synthWith("cdktn", "2027-01-11T10:00:00Z");
    expect(Object.keys(json.resource?.tempgrant_grant ?? {}).sort()).toEqual([
      "grant_alice_orders_read",
      "grant_dave_aws",
      "grant_dave_gcp",
      "grant_dave_gh",
      "grant_dave_k8s",
      "grant_erin_orders_read",
      "grant_etl_orders_read",
      "grant_payouts_svc_write",
    ]);
    // The token of cdktn's own resource is resolved by cdktn, into a reference.
    expect(json.resource?.github_team_membership?.grant_dave_gh).toMatchObject({
      team_id: "${github_team.sre.id}",
      username: "dave",
      depends_on: ["tempgrant_grant.grant_dave_gh"],
    });
    expect(json.resource?.aws_iam_role_policy_attachment?.grant_dave_aws).toBeDefined();
    expect(json.resource?.kubernetes_role_binding_v1?.grant_dave_k8s).toBeDefined();
    expect(json.resource?.google_project_iam_member?.grant_dave_gcp).toBeDefined();
    expect(json.terraform).toMatchObject({
      backend: { local: { path: join(scratch, "state", "prod.tfstate") } },
      required_providers: { tempgrant: { source: "tempgrant/tempgrant", version: "0.1.0" } },
    });
    expect(Object.keys(json["//"]?.tempgrant?.grants ?? {})).toHaveLength(9);
    const swept = synthWith("cdktn", "2027-01-11T10:00:00Z", true);
    expect(swept["//"]?.tempgrant?.grants?.["dave-db"]).toMatchObject({ status: "invalid" });
  });

  it("makes each element with the classes of its stack's library", () => {
    for (const library of ["cdktf", "cdktn"] as const) {
      const { App, TerraformStack, TerraformResource, TerraformProvider } = LIBRARIES[library];
      const stack = new TerraformStack(new App({ outdir: join(scratch, library) }), "kinds");
      const provider = new RawProvider(stack, "p", { type: "tempgrant", source: "tempgrant/tempgrant" });
      const resource = new RawResource(stack, "r", { type: "terraform_data", name: "r", attributes: {} });
      expect([library, resource instanceof TerraformResource, provider instanceof TerraformProvider]).toEqual(
        [library, true, true],
      );
      // Still RawResource and RawProvider to code that asks.
      expect([resource instanceof RawResource, provider instanceof RawProvider]).toEqual([true, true]);
      expect(resource instanceof RawProvider).toBe(false);
      expect(resource.address).toBe("terraform_data.r");
    }
    const other = new cdktn.TerraformStack(new cdktn.App({ outdir: join(scratch, "cdktn") }), "other");
    expect(
      new RawResource(other, "r", { type: "a_b", name: "r", attributes: {} }) instanceof
        cdktf.TerraformResource,
    ).toBe(false);
  });

  it("synthesize() takes the library by name", () => {
    const parsed = parseTimestamp("2027-01-11T10:00:00Z");
    if (!parsed.ok) throw new Error(parsed.message);
    const outdir = join(scratch, "by-name");
    const stacks = synthesize({
      outdir,
      now: parsed.instant.seconds,
      library: "cdktn",
      declare: (app) => {
        expect(app).toBeInstanceOf(cdktn.App);
        declareGrants("cdktn", new cdktn.TerraformStack(app, "prod") as unknown as cdktf.TerraformStack);
      },
    });
    const json = JSON.parse(readFileSync(join(stacks.prod ?? "", "cdk.tf.json"), "utf8")) as StackJson;
    expect(withoutLibraryVersion(json)).toEqual(
      withoutLibraryVersion(synthWith("cdktf", "2027-01-11T10:00:00Z")),
    );
  });
});
