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
    resource?: { terraform_data?: Record<string, unknown> };
  };
  return Object.keys(json.resource?.terraform_data ?? {}).sort();
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
