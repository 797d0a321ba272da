import { describe, expect, it } from "vitest";
import { GRANT_RECORD_MARKER } from "../grant/record.js";
import { accessToRevoke, grantsHeld, ledgerMemory, stateResources, withStateMemory } from "./ownership.js";

const record = (id: string, expiresAt: string, resources: string[]) => ({
  tempgrant: GRANT_RECORD_MARKER,
  id,
  expiresAt,
  resources,
});
const state = (resources: { address: string; values?: unknown; depends_on?: string[] }[]) =>
  stateResources({
    values: {
      root_module: {
        resources: resources.map((r) => ({ mode: "managed", type: r.address.split(".")[0], ...r })),
      },
    },
  });

describe("ownership memory", () => {
  const lines = [
    {
      event: {
        type: "apply",
        stack: "s",
        grants: [{ action: "create", record: record("a", "2030-01-01T01:00:00Z", ["x.a"]) }],
      },
    },
    {
      event: {
        type: "apply",
        stack: "other",
        grants: [{ action: "create", record: record("z", "", ["x.z"]) }],
      },
    },
    {
      event: {
        type: "failure",
        step: "apply",
        stack: "s",
        grants: [{ action: "create", record: record("b", "2030-01-01T05:00:00Z", ["x.b"]) }],
      },
    },
  ];

  it("remembers from apply events and failed applies of the stack", () => {
    const memory = ledgerMemory(lines, "s");
    expect([...memory.owners].map(([address, owner]) => [address, owner.id])).toEqual([
      ["x.a", "a"],
      ["x.b", "b"],
    ]);
  });

  it("finds access left by a grant whose record is gone, and expired records with what they own", () => {
    const resources = state([
      { address: "x.a" },
      { address: "x.c" },
      { address: "terraform_data.c", values: { input: record("c", "2030-01-01T00:30:00Z", ["x.c"]) } },
      { address: "x.d", depends_on: ["tempgrant_grant.d"] },
      { address: "x.b" },
      { address: "terraform_data.b", values: { input: record("b", "2030-01-01T05:00:00Z", ["x.b"]) } },
    ]);
    const memory = withStateMemory(ledgerMemory(lines, "s"), resources);
    const now = Date.parse("2030-01-01T00:45:00Z") / 1000;
    expect(accessToRevoke(resources, memory, { now, marginSeconds: 0 })).toEqual([
      {
        id: "a",
        recordAddress: null,
        record: expect.objectContaining({ id: "a" }),
        addresses: ["x.a"],
        why: "record-gone",
      },
      {
        id: "c",
        recordAddress: "terraform_data.c",
        record: expect.objectContaining({ id: "c" }),
        addresses: ["x.c", "terraform_data.c"],
        why: "expired",
      },
      { id: "tempgrant_grant.d", recordAddress: null, record: null, addresses: ["x.d"], why: "record-gone" },
    ]);
    // The margin revokes early; a removed grant goes whatever its expiry.
    expect(
      accessToRevoke(resources, memory, { now, marginSeconds: 5 * 3_600, isRemoved: () => false }).map(
        (g) => g.id,
      ),
    ).toEqual(["a", "b", "c", "tempgrant_grant.d"]);
    expect([...grantsHeld(resources, memory)].sort()).toEqual(["a", "b", "c", "tempgrant_grant.d"]);
  });
});
