import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { synthesize } from "../../src/constructs/index.js";
import { parseTimestamp } from "../../src/grant/index.js";
import { ProdStack } from "../../stacks/reference/prod-stack.js";

const outdir = mkdtempSync(join(tmpdir(), "tempgrant-reference-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function recordsAt(now: string): string[] {
  const parsed = parseTimestamp(now);
  if (!parsed.ok) throw new Error(parsed.message);
  const stacks = synthesize({
    outdir,
    now: parsed.instant.seconds,
    declare: (app) => new ProdStack(app, "prod"),
  });
  const json = JSON.parse(readFileSync(join(stacks.prod ?? "", "cdk.tf.json"), "utf8")) as {
    resource?: Record<string, Record<string, { depends_on?: string[]; resources?: string[] }>>;
  };
  const records = json.resource?.tempgrant_grant ?? {};
  // Every resource a record owns is in the stack and depends on that record.
  for (const [name, record] of Object.entries(records)) {
    expect(record.resources?.length, name).toBeGreaterThan(0);
    for (const address of record.resources ?? []) {
      const [type = "", resourceName = ""] = address.split(".");
      expect([address, json.resource?.[type]?.[resourceName]?.depends_on]).toEqual([
        address,
        [`tempgrant_grant.${name}`],
      ]);
    }
  }
  return Object.keys(records).sort();
}

describe("the reference stacks (two teams, TypeScript and YAML, one break-glass grant)", () => {
  it("synthesize exactly the grants active at each instant", () => {
    expect(recordsAt("2027-01-10T00:00:00Z")).toEqual(["grant_etl_orders_read"]);
    expect(recordsAt("2027-01-11T10:00:00Z")).toEqual([
      "grant_alice_orders_read",
      "grant_erin_orders_read",
      "grant_etl_orders_read",
      "grant_payouts_svc_write",
    ]);
    expect(recordsAt("2027-01-12T02:30:00Z")).toEqual([
      "grant_bob_orders_breakglass",
      "grant_erin_orders_read",
      "grant_etl_orders_read",
      "grant_payouts_svc_write",
    ]);
    expect(recordsAt("2027-02-01T00:00:00Z")).toEqual([]);
  });
});
