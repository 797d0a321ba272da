import { describe, expect, it } from "vitest";
import { auditedRecord } from "../../../test/support/grant-record.js";
import { grantRecordAttributes, type GrantRecord } from "../../grant/record.js";
import { accessEffect } from "./access-order.js";
import { diffSnapshots } from "./compare.js";
import type { Snapshot, SnapshotResource } from "./snapshot.js";

// The comparison on small hand-made snapshots: one grant record and its role per grant.
const record = (id: string, input: Record<string, unknown> = {}): SnapshotResource => ({
  address: `terraform_data.grant_${id}`,
  type: "terraform_data",
  values: {
    id: `uuid-${id}`,
    input: auditedRecord(id, input),
  },
});
const role = (id: string, values: Record<string, unknown> = {}): SnapshotResource => ({
  address: `postgresql_role.grant_${id}`,
  type: "postgresql_role",
  values: { name: id, login: true, ...values },
});
const snapshot = (resources: SnapshotResource[]): Snapshot => ({
  source: "s.json",
  kind: "state",
  resources,
});
const granted = (id: string, input: Record<string, unknown> = {}) => [record(id, input), role(id)];

/** The one changed grant of a before/after pair of a single grant. */
function change(before: Record<string, unknown>, after: Record<string, unknown>) {
  const diff = diffSnapshots(snapshot(granted("alice", before)), snapshot(granted("alice", after)));
  expect(diff.unmanaged).toEqual([]);
  return diff.grants.map((grant) => ({ kinds: grant.kinds, fields: grant.fields }));
}

describe("diffSnapshots: grants", () => {
  it("finds nothing between identical snapshots", () => {
    const diff = diffSnapshots(snapshot(granted("alice")), snapshot(granted("alice")));
    expect([diff.grants, diff.unchanged, diff.unmanaged]).toEqual([[], 1, []]);
  });

  it("finds an added and a removed grant, each with its whole record", () => {
    const diff = diffSnapshots(
      snapshot([...granted("alice"), ...granted("bob")]),
      snapshot([...granted("bob"), ...granted("dave")]),
    );
    expect(
      diff.grants.map((grant) => [grant.id, grant.kinds, grant.before?.id ?? null, grant.after?.id ?? null]),
    ).toEqual([
      ["dave", ["added"], null, "dave"],
      ["alice", ["removed"], "alice", null],
    ]);
    expect(diff.grants[0]?.after).toMatchObject({
      address: "terraform_data.grant_dave",
      principal: "dave@example.com",
      approvedBy: ["carol@example.com"],
      ticket: "OPS-1",
      breakGlass: false,
      resources: ["postgresql_role.grant_dave"],
    });
    expect(diff.unchanged).toBe(1);
  });

  it("calls a later expiry extended", () => {
    expect(change({}, { expiresAt: "2027-01-11T15:00:00Z" })).toEqual([
      {
        kinds: ["extended"],
        fields: [
          {
            field: "expiresAt",
            before: "2027-01-11T12:00:00Z",
            after: "2027-01-11T15:00:00Z",
            effect: "extended",
          },
        ],
      },
    ]);
  });

  it("calls an earlier start extended too, and a later one narrowed", () => {
    expect(change({ startsAt: "2027-01-11T10:00:00Z" }, {})[0]?.kinds).toEqual(["extended"]);
    expect(
      change({ startsAt: "2027-01-11T10:00:00Z" }, { startsAt: "2027-01-11T11:00:00Z" })[0]?.kinds,
    ).toEqual(["narrowed"]);
  });

  it("calls an earlier expiry, less access or fewer resources narrowed", () => {
    expect(change({}, { expiresAt: "2027-01-11T09:00:00Z" })[0]?.kinds).toEqual(["narrowed"]);
    expect(change({ access: "write" }, { access: "read" })[0]?.fields).toEqual([
      { field: "access", before: "write", after: "read", effect: "narrowed" },
    ]);
    expect(
      change(
        { resources: ["postgresql_role.grant_alice", "x.y"] },
        { resources: ["postgresql_role.grant_alice"] },
      )[0]?.kinds,
    ).toEqual(["narrowed"]);
  });

  it("calls more access, an unknown level, another target or principal, or more resources widened", () => {
    expect(change({}, { access: "admin" })[0]?.kinds).toEqual(["widened"]);
    expect(change({}, { access: "maintain" })[0]?.kinds).toEqual(["widened"]);
    expect(change({}, { target: "payments-db" })[0]?.kinds).toEqual(["widened"]);
    expect(change({}, { principal: "mallory@example.com" })[0]?.kinds).toEqual(["widened"]);
    expect(change({}, { resources: ["postgresql_role.grant_alice", "x.y"] })[0]?.fields).toEqual([
      {
        field: "resources",
        before: "postgresql_role.grant_alice",
        after: "postgresql_role.grant_alice, x.y",
        effect: "widened",
      },
    ]);
  });

  it("lists every effect of one change, widened first", () => {
    const [grant] = change({}, { expiresAt: "2027-01-12T12:00:00Z", access: "write", ticket: "OPS-2" });
    expect(grant?.kinds).toEqual(["widened", "extended", "metadata"]);
    expect(grant?.fields.map((field) => [field.field, field.effect])).toEqual([
      ["access", "widened"],
      ["expiresAt", "extended"],
      ["ticket", "metadata"],
    ]);
  });

  it("calls the rest other metadata changes, an instant written another way included", () => {
    expect(change({}, { approvedBy: ["dan@example.com"], breakGlass: true })[0]?.fields).toEqual([
      { field: "approvedBy", before: "carol@example.com", after: "dan@example.com", effect: "metadata" },
      { field: "breakGlass", before: "no", after: "yes", effect: "metadata" },
    ]);
    expect(change({}, { expiresAt: "2027-01-11T13:00:00+01:00" })[0]?.kinds).toEqual(["metadata"]);
    // Order means nothing in approvers and resources.
    expect(change({ approvedBy: ["a", "b"] }, { approvedBy: ["b", "a"] })).toEqual([]);
  });

  it("counts an unreadable expiry as extended: nothing proves it is shorter", () => {
    expect(change({}, { expiresAt: "soon" })[0]?.kinds).toEqual(["extended"]);
  });
});

describe("accessEffect", () => {
  it("ranks by the order given, case-insensitively", () => {
    expect(accessEffect("read", "write")).toBe("widened");
    expect(accessEffect("Admin", "read")).toBe("narrowed");
    expect(accessEffect("READ", "read")).toBe("metadata");
    expect(accessEffect("view", "edit", ["view", "edit", "own"])).toBe("widened");
    expect(accessEffect("read", "view")).toBe("widened");
  });
});

describe("diffSnapshots: privileged resources without a grant record", () => {
  const flagged = (before: SnapshotResource[], after: SnapshotResource[], privilegedTypes?: string[]) =>
    diffSnapshots(snapshot(before), snapshot(after), privilegedTypes ? { privilegedTypes } : {}).unmanaged;

  it("flags an added privileged resource that no record owns, not one a record owns", () => {
    expect(flagged(granted("alice"), [...granted("alice"), ...granted("bob"), role("backdoor")])).toEqual([
      {
        address: "postgresql_role.grant_backdoor",
        type: "postgresql_role",
        action: "added",
        attributes: [],
        formerOwner: null,
      },
    ]);
  });

  it("flags a removed privileged resource that no record owned, not a revoked grant's", () => {
    expect(flagged([...granted("alice"), role("old")], [])).toEqual([
      {
        address: "postgresql_role.grant_old",
        type: "postgresql_role",
        action: "removed",
        attributes: [],
        formerOwner: null,
      },
    ]);
  });

  it("flags a change outside any grant, with the attributes that changed", () => {
    expect(flagged([role("x")], [role("x", { superuser: true, login: false })])).toEqual([
      {
        address: "postgresql_role.grant_x",
        type: "postgresql_role",
        action: "changed",
        attributes: ["login", "superuser"],
        formerOwner: null,
      },
    ]);
    // Under a grant it is the grant's business.
    expect(flagged(granted("alice"), [record("alice"), role("alice", { superuser: true })])).toEqual([]);
  });

  it("flags access left behind when its record goes and the resource stays", () => {
    expect(flagged(granted("alice"), [role("alice")])).toEqual([
      {
        address: "postgresql_role.grant_alice",
        type: "postgresql_role",
        action: "orphaned",
        attributes: [],
        formerOwner: "alice",
      },
    ]);
  });

  it("ignores unprivileged types, and never flags the grant records themselves", () => {
    const note: SnapshotResource = {
      address: "terraform_data.note",
      type: "terraform_data",
      values: { input: "x" },
    };
    expect(flagged(granted("alice"), [...granted("alice"), note])).toEqual([]);
    expect(
      flagged([], [...granted("alice"), note], ["terraform_data", "postgresql_role"]).map((c) => c.address),
    ).toEqual(["terraform_data.note"]);
  });

  it("sees a raw state's typed dynamic value and show -json's plain value as the same", () => {
    const wrapped: SnapshotResource = {
      address: "kubernetes_manifest.binding",
      type: "kubernetes_manifest",
      values: { manifest: { value: { kind: "RoleBinding" }, type: ["object", { kind: "string" }] } },
    };
    const plain: SnapshotResource = { ...wrapped, values: { manifest: { kind: "RoleBinding" } } };
    expect(flagged([wrapped], [plain], ["kubernetes_*"])).toEqual([]);
    expect(
      flagged(
        [wrapped],
        [{ ...plain, values: { manifest: { kind: "ClusterRoleBinding" } } }],
        ["kubernetes_*"],
      ),
    ).toHaveLength(1);
  });
});

describe("diffSnapshots: records of tempgrant's provider", () => {
  // The same grants as above, held by a tempgrant_grant (snake_case attributes) owning a
  // tempgrant_postgresql_login_role, as states written since the provider hold them.
  const legacyInput = (id: string, input: Record<string, unknown> = {}) =>
    (record(id, input).values as { input: GrantRecord }).input;
  const providerRecord = (id: string, input: Record<string, unknown> = {}): SnapshotResource => ({
    address: `tempgrant_grant.grant_${id}`,
    type: "tempgrant_grant",
    values: {
      id,
      starts_at: null,
      ticket: null,
      ...grantRecordAttributes({
        ...legacyInput(id),
        resources: [`tempgrant_postgresql_login_role.grant_${id}`],
        ...input,
      } as GrantRecord),
    },
  });
  const loginRole = (id: string, values: Record<string, unknown> = {}): SnapshotResource => ({
    address: `tempgrant_postgresql_login_role.grant_${id}`,
    type: "tempgrant_postgresql_login_role",
    values: { name: `tg_${id}`, member_of: ["orders_read"], valid_until: "2027-01-11T12:00:00Z", ...values },
  });
  const provided = (id: string, input: Record<string, unknown> = {}) => [
    providerRecord(id, input),
    loginRole(id),
  ];

  it("reads the record's fields, and finds an extension and a widening", () => {
    const diff = diffSnapshots(
      snapshot(provided("alice")),
      snapshot(provided("alice", { expiresAt: "2027-01-11T15:00:00Z", access: "write" })),
    );
    expect(diff.unmanaged).toEqual([]);
    expect(diff.grants.map((grant) => [grant.id, grant.kinds])).toEqual([["alice", ["widened", "extended"]]]);
    expect(diff.grants[0]?.before).toMatchObject({
      address: "tempgrant_grant.grant_alice",
      principal: "alice@example.com",
      startsAt: null,
      expiresAt: "2027-01-11T12:00:00Z",
      ticket: "OPS-1",
      approvedBy: ["carol@example.com"],
      binding: "postgresql",
      nativeExpiry: true,
      resources: ["tempgrant_postgresql_login_role.grant_alice"],
    });
  });

  it("sees a grant whose record moved from a legacy terraform_data to a tempgrant_grant as unchanged", () => {
    const ownsLoginRole = { resources: ["tempgrant_postgresql_login_role.grant_alice"] };
    const diff = diffSnapshots(
      snapshot([record("alice", ownsLoginRole), loginRole("alice")]),
      snapshot(provided("alice")),
    );
    expect([diff.grants, diff.unchanged, diff.unmanaged]).toEqual([[], 1, []]);
  });

  it("flags a login role no record owns and access orphaned by its record, never the records", () => {
    expect(
      diffSnapshots(snapshot(provided("alice")), snapshot([...provided("alice"), loginRole("backdoor")]))
        .unmanaged,
    ).toEqual([
      {
        address: "tempgrant_postgresql_login_role.grant_backdoor",
        type: "tempgrant_postgresql_login_role",
        action: "added",
        attributes: [],
        formerOwner: null,
      },
    ]);
    expect(diffSnapshots(snapshot(provided("alice")), snapshot([loginRole("alice")])).unmanaged).toEqual([
      {
        address: "tempgrant_postgresql_login_role.grant_alice",
        type: "tempgrant_postgresql_login_role",
        action: "orphaned",
        attributes: [],
        formerOwner: "alice",
      },
    ]);
    expect(
      diffSnapshots(snapshot([]), snapshot(provided("alice")), { privilegedTypes: ["tempgrant_*"] })
        .unmanaged,
    ).toEqual([]);
  });
});
