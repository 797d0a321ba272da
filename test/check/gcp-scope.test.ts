import { describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import { created, grantedAt, noGrant, planAt, planDenials, tooWide } from "../support/plan-denials.js";

// Red-team round r2b, GCP: policy documents whose keys Go reads without case, roles that act
// as or grant others, and access outside IAM (project and instance SSH keys, HMAC keys,
// BigQuery inline access). Crafted plan JSON shaped as the google provider writes planned
// values, checked through the real compiled bundle with the default configuration.
const config = resolveConfig();

const t = Math.floor(Date.now() / 1000) + 60;
const expires = formatTimestamp(t + 3_600);

const denials = planDenials(config, () => t);

const change = created;
const doc = (changes: object[]) => planAt(t, changes);

/** A plan of one GCP grant record (native expiry) owning `type.grant`, and that resource. */
const granted = (type: string, values: object) =>
  grantedAt(t, { kind: "gcp-iam", nativeExpiry: true }, [created(`${type}.grant`, type, values)]);

/** A plan of one standing resource `type.x`: no grant record. */
const standing = (type: string, values: object, afterUnknown: object = {}) =>
  doc([change(`${type}.x`, type, values, afterUnknown)]);

const condition = {
  title: "tempgrant-alice-read",
  description: "tempgrant alice-read: INC-42",
  expression: `request.time < timestamp("${expires}")`,
};
const alice = { role: "roles/cloudsql.viewer", members: ["user:alice@example.com"], condition };

describe("GCP policy documents read as Go reads them (r2b finding 1)", () => {
  const policyAddress = "google_project_iam_policy.grant";
  const policy = (text: string) => granted("google_project_iam_policy", { project: "p", policy_data: text });
  const unreadable = [
    `native-expiry/matches-record: ${policyAddress} of grant alice-read: it has no native expiry, not the record's expiry ${expires}`,
    tooWide(policyAddress, "a policy document tempgrant cannot read"),
  ];

  it("passes the document data.google_iam_policy writes: bindings, etag, version, audit configs", async () => {
    expect(await denials(policy(JSON.stringify({ bindings: [alice] })))).toEqual([]);
    const full = { auditConfigs: [], bindings: [alice], etag: "BwX=", version: 3 };
    expect(await denials(policy(JSON.stringify(full)))).toEqual([]);
  });

  it("refuses a key that differs from a known one only in case, beside it or alone", async () => {
    const owner = { role: "roles/owner", members: ["user:mallory@evil.com"] };
    for (const document of [
      { bindings: [alice], Bindings: [owner] },
      { Bindings: [alice] },
      { bindings: [{ ...alice, Role: "roles/owner", Members: ["allUsers"] }] },
      { bindings: [{ ...alice, Condition: null }] },
      { bindings: [{ ...alice, condition: { ...condition, Expression: "true" } }] },
    ])
      expect([document, await denials(policy(JSON.stringify(document)))]).toEqual([document, unreadable]);
  });

  it("refuses a key Go folds onto a known one (ſ is s) and any key it does not know", async () => {
    const folded = JSON.stringify({ bindings: [alice] }).replace(
      '"members":["user:alice@example.com"]',
      '"members":["user:alice@example.com"],"member\u017f":["allUsers"]',
    );
    expect(await denials(policy(folded))).toEqual(unreadable);
    for (const document of [
      { bindings: [alice], extra: true },
      { bindings: [{ ...alice, bindingId: "x" }] },
      { bindings: [{ ...alice, condition: { ...condition, location: "x" } }] },
      { bindings: [{ ...alice, condition: [condition] }] },
      [{ bindings: [alice] }],
    ])
      expect([document, await denials(policy(JSON.stringify(document)))]).toEqual([document, unreadable]);
  });
});

describe("GCP roles that act as, or grant access to, others (r2b finding 3)", () => {
  const acting = (role: string) =>
    `the role ${role}, which lets its holder act as, or grant access to, others`;

  it("reads impersonation and IAM-administration roles as too wide, on a project or a service account", async () => {
    for (const role of [
      "roles/iam.serviceAccountTokenCreator",
      "roles/iam.serviceAccountUser",
      "roles/iam.workloadIdentityUser",
      "roles/resourcemanager.projectIamAdmin",
      "roles/iam.securityAdmin",
      "roles/iam.serviceAccountKeyAdmin",
      " roles/IAM.serviceAccountUser ",
    ]) {
      const values = { role, member: "user:alice@example.com", condition: [condition] };
      expect([
        role,
        await denials(granted("google_project_iam_member", { project: "p", ...values })),
      ]).toEqual([role, [tooWide("google_project_iam_member.grant", acting(role))]]);
      const onAccount = { service_account_id: "projects/p/serviceAccounts/admin@p.iam.gserviceaccount.com" };
      expect(
        await denials(granted("google_service_account_iam_member", { ...onAccount, ...values })),
      ).toEqual([tooWide("google_service_account_iam_member.grant", acting(role))]);
    }
  });

  it("reads them in a policy document too, and passes the grant's own conditional member", async () => {
    const document = { bindings: [{ ...alice, role: "roles/iam.serviceAccountTokenCreator" }] };
    expect(
      await denials(
        granted("google_project_iam_policy", { project: "p", policy_data: JSON.stringify(document) }),
      ),
    ).toEqual([tooWide("google_project_iam_policy.grant", acting("roles/iam.serviceAccountTokenCreator"))]);
    const member = { project: "p", role: "roles/cloudsql.viewer", member: "user:alice@example.com" };
    expect(
      await denials(granted("google_project_iam_member", { ...member, condition: [condition] })),
    ).toEqual([]);
  });
});

describe("GCP access outside IAM (r2b finding 2)", () => {
  const sshKey = "mallory:ssh-ed25519 AAAA mallory";

  it("makes project metadata privileged, and its SSH keys and OS Login turned off too wide", async () => {
    const type = "google_compute_project_metadata";
    expect(await denials(standing(type, { metadata: { "startup-script": "echo" } }))).toEqual([
      noGrant(`${type}.x`, type),
    ]);
    expect(
      await denials(granted(type, { metadata: { "ssh-keys": sshKey, "enable-oslogin": "FALSE" } })),
    ).toEqual(
      [
        tooWide(
          `${type}.grant`,
          'OS Login turned off in project metadata (enable-oslogin "FALSE"), which lets metadata SSH keys in',
        ),
        tooWide(`${type}.grant`, "SSH keys in project metadata (ssh-keys), which log in to every instance"),
      ].sort(),
    );
    expect(await denials(standing(type, { metadata: { ssh_keys: sshKey } }))).toEqual([
      tooWide(`${type}.x`, "SSH keys in project metadata (ssh_keys), which log in to every instance"),
      noGrant(`${type}.x`, type),
    ]);
  });

  it("makes an instance or template privileged when its metadata holds SSH keys, and leaves others alone", async () => {
    for (const type of ["google_compute_instance", "google_compute_instance_template"]) {
      for (const key of ["ssh-keys", "sshKeys", "ssh_keys"])
        expect([key, await denials(standing(type, { name: "i", metadata: { [key]: sshKey } }))]).toEqual([
          key,
          [noGrant(`${type}.x`, type)],
        ]);
      // SSH keys known only after apply, or the whole metadata map.
      expect(
        await denials(standing(type, { name: "i", metadata: {} }, { metadata: { "ssh-keys": true } })),
      ).toEqual([
        `unknown/known-at-plan: ${type}.x (${type}): metadata.ssh-keys is known only after apply; access must be decided when the plan is checked`,
        noGrant(`${type}.x`, type),
      ]);
      const ordinary = { name: "i", metadata: { "startup-script": "echo", "enable-oslogin": "TRUE" } };
      expect(await denials(standing(type, ordinary))).toEqual([]);
      expect(await denials(standing(type, { name: "i" }))).toEqual([]);
    }
  });

  it("makes an HMAC key privileged by type", async () => {
    const type = "google_storage_hmac_key";
    expect(
      await denials(standing(type, { service_account_email: "admin@p.iam.gserviceaccount.com" })),
    ).toEqual([noGrant(`${type}.x`, type)]);
  });

  it("makes a dataset whose inline access names anyone privileged, and classes of identities too wide", async () => {
    const type = "google_bigquery_dataset";
    for (const entry of [
      { role: "READER", user_by_email: "mallory@evil.com" },
      { role: "WRITER", group_by_email: "ops@example.com" },
      { role: "OWNER", special_group: "projectOwners" },
      { role: "READER", iam_member: "user:mallory@evil.com" },
    ])
      expect(await denials(standing(type, { dataset_id: "d", access: [entry] }))).toContain(
        noGrant(`${type}.x`, type),
      );
    expect(
      await denials(
        standing(type, {
          dataset_id: "d",
          access: [
            { role: "OWNER", special_group: "allAuthenticatedUsers" },
            { role: "READER", iam_member: "allUsers" },
            { role: "READER", domain: "example.com" },
          ],
        }),
      ),
    ).toEqual([
      tooWide(`${type}.x`, "the domain example.com (everyone of a domain)"),
      tooWide(`${type}.x`, "the member allUsers"),
      tooWide(`${type}.x`, "the special group allAuthenticatedUsers (a class of identities)"),
      noGrant(`${type}.x`, type),
    ]);
    // Who an entry names, known only after apply.
    expect(
      await denials(
        standing(
          type,
          { dataset_id: "d", access: [{ role: "READER" }] },
          { access: [{ user_by_email: true }] },
        ),
      ),
    ).toContain(noGrant(`${type}.x`, type));
    // An authorized view names no one; access left to BigQuery's defaults is unknown as a whole.
    const view = { view: [{ project_id: "p", dataset_id: "v", table_id: "t" }] };
    expect(await denials(standing(type, { dataset_id: "d", access: [view] }))).toEqual([]);
    expect(await denials(standing(type, { dataset_id: "d" }, { access: true }))).toEqual([]);
  });
});
