import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TempgrantError } from "../errors.js";
import type { GrantChange, PolicyInput, ResourceView } from "../plan/policy-input.js";
import { guardedRevocationPlan, revocationOnlyProblems } from "./revocation-guard.js";
import { selectRevocations } from "./select-revocations.js";

const resource = (
  address: string,
  action: ResourceView["action"],
  owner: string | null = null,
): ResourceView => ({
  address,
  type: address.split(".")[0] ?? "",
  action,
  owner,
  privileged: address.startsWith("postgresql"),
  unknown: [],
  nativeExpiry: null,
  expiryBearing: false,
  scope: { privileges: [], roles: [], flags: [] },
  drift: [],
});
const deletedGrant = (id: string, resources: string[]): GrantChange =>
  ({
    address: `terraform_data.grant_${id}`,
    id,
    action: "delete",
    before: { id, resources } as unknown as GrantChange["before"],
    after: null,
    unknownExpiry: false,
    owned: [],
  }) satisfies GrantChange;

const input: PolicyInput = {
  now: 0,
  grants: [deletedGrant("a", ["postgresql_role.grant_a"])],
  resources: [
    resource("postgresql_role.grant_a", "delete", "a"),
    resource("terraform_data.grant_a", "delete"),
    resource("postgresql_role.grant_b", "create", "b"),
    resource("terraform_data.grant_b", "create"),
    resource("postgresql_role.drifted", "update"),
    resource("terraform_data.grant_c", "no-op"),
  ],
  removedUnexpired: {},
};

describe("selectRevocations", () => {
  it("takes a deleted record and the deletions it owns, and leaves everything else pending", () => {
    const selection = selectRevocations(input);
    expect(selection.targets).toEqual(["postgresql_role.grant_a", "terraform_data.grant_a"]);
    expect(selection.revocations.map((r) => [r.id, r.addresses])).toEqual([
      ["a", ["postgresql_role.grant_a", "terraform_data.grant_a"]],
    ]);
    expect(selection.pending.map((r) => `${r.action} ${r.address}`)).toEqual([
      "create postgresql_role.grant_b",
      "create terraform_data.grant_b",
      "update postgresql_role.drifted",
    ]);
  });
});

describe("selectRevocations with ownership memory", () => {
  const memory = (owners: Record<string, string>) => ({
    owners: new Map(
      Object.entries(owners).map(([address, id]) => [
        address,
        { id, record: null, source: "ledger" as const },
      ]),
    ),
    recordAddresses: new Map<string, string>(),
  });

  it("revokes what a grant whose record is gone left behind, and only its deletions", () => {
    const leftover: PolicyInput = {
      now: 0,
      grants: [],
      resources: [
        resource("postgresql_role.grant_a", "delete"),
        resource("postgresql_role.unrelated", "delete"),
        resource("postgresql_role.grant_b", "update"),
      ],
      removedUnexpired: {},
    };
    const selection = selectRevocations(
      leftover,
      memory({ "postgresql_role.grant_a": "a", "postgresql_role.grant_b": "b" }),
    );
    expect(selection.revocations).toEqual([
      { id: "a", record: null, addresses: ["postgresql_role.grant_a"], leftover: true },
    ]);
    expect(selection.targets).toEqual(["postgresql_role.grant_a"]);
    expect(selection.pending.map((r) => r.address)).toEqual([
      "postgresql_role.unrelated",
      "postgresql_role.grant_b",
    ]);
  });

  it("adds what the memory says a deleted record owned; leaves a live grant's resources alone", () => {
    const withLive: PolicyInput = {
      ...input,
      grants: [
        ...input.grants,
        { ...deletedGrant("c", []), action: "no-op", after: deletedGrant("c", []).before },
      ],
      resources: [...input.resources, resource("x.extra", "delete"), resource("x.of_c", "delete")],
    };
    const selection = selectRevocations(withLive, memory({ "x.extra": "a", "x.of_c": "c" }));
    expect(selection.revocations.map((r) => [r.id, r.addresses])).toEqual([
      ["a", ["postgresql_role.grant_a", "x.extra", "terraform_data.grant_a"]],
    ]);
    expect(selection.pending.map((r) => r.address)).toContain("x.of_c");
  });
});

describe("revocationOnlyProblems", () => {
  const allowed = new Set(["postgresql_role.grant_a", "terraform_data.grant_a"]);

  it("lets a plan through that only deletes what was selected", () => {
    const targeted = { ...input, resources: input.resources.slice(0, 2) };
    expect(revocationOnlyProblems(targeted, allowed)).toEqual([]);
  });

  it("names every change that is not a selected deletion", () => {
    expect(revocationOnlyProblems(input, allowed)).toEqual([
      "postgresql_role.grant_b: create is not a revocation",
      "terraform_data.grant_b: create is not a revocation",
      "postgresql_role.drifted: update is not a revocation",
    ]);
    const stray = { ...input, resources: [resource("postgresql_role.other", "delete")] };
    expect(revocationOnlyProblems(stray, allowed)).toEqual([
      "postgresql_role.other: deletes something no revoked grant owns",
    ]);
  });
});

describe("guardedRevocationPlan", () => {
  const allowed = new Set(["postgresql_role.grant_a", "terraform_data.grant_a"]);
  const planFile = join(mkdtempSync(join(tmpdir(), "tempgrant-guard-")), "revoke.tfplan");
  writeFileSync(planFile, "a saved plan");

  it("gives the sha256 of a plan that only revokes, for the ledger", () => {
    const targeted = { ...input, resources: input.resources.slice(0, 2) };
    expect(guardedRevocationPlan("prod", { actions: targeted, planFile }, allowed)).toBe(
      createHash("sha256").update("a saved plan").digest("hex"),
    );
  });

  it("stops the sweep on anything else, naming the stack and every change (SWEEP_GUARD)", () => {
    const refused = (() => {
      try {
        guardedRevocationPlan("prod", { actions: input, planFile }, allowed);
      } catch (error) {
        return error as TempgrantError;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(TempgrantError);
    expect(refused?.code).toBe("SWEEP_GUARD");
    expect(refused?.message).toBe(
      [
        "sweep prod: the revocation plan is not revocation-only, nothing applied:",
        "postgresql_role.grant_b: create is not a revocation",
        "terraform_data.grant_b: create is not a revocation",
        "postgresql_role.drifted: update is not a revocation",
      ].join("\n"),
    );
  });
});
