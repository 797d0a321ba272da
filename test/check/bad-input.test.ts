import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { aliceRecord } from "../support/grant-record.js";

// Bad input never passes: each case exits 2 with one line that says what is wrong.
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-bad-input-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

const plan = (extra: object) =>
  JSON.stringify({ format_version: "1.2", planned_values: {}, resource_changes: [], ...extra });

// A grant record as tempgrant synthesizes it, in a legacy terraform_data and in the provider's resource.
const record = aliceRecord({ expiresAt: "2027-01-11T12:00:00Z" });
const recordPlan = (input: object) =>
  plan({
    resource_changes: [
      {
        address: "terraform_data.grant_alice",
        mode: "managed",
        type: "terraform_data",
        change: { actions: ["create"], before: null, after: { input } },
      },
    ],
  });
const providerPlan = (attributes: object) =>
  plan({
    resource_changes: [
      {
        address: "tempgrant_grant.alice",
        mode: "managed",
        type: "tempgrant_grant",
        change: {
          actions: ["create"],
          before: null,
          after: {
            grant_id: "alice",
            principal: "alice@example.com",
            target: "orders-db",
            access: "read",
            expires_at: "2027-01-11T12:00:00Z",
            reason: "reconcile the January ledger",
            requested_by: "alice@example.com",
            approved_by: ["bob@example.com"],
            break_glass: false,
            binding: "custom",
            native_expiry: false,
            resources: [],
            ...attributes,
          },
        },
      },
    ],
  });

describe("tempgrant check refuses bad input with exit 2", () => {
  const cases: [string, () => string, RegExp][] = [
    ["an empty file", () => file("empty.json", ""), /is empty/],
    [
      "truncated JSON",
      () => file("truncated.json", plan({}).slice(0, 40)),
      /is not valid JSON .*truncated\?/,
    ],
    ["JSON that is not an object", () => file("list.json", "[1,2]"), /not a plan \(top level is a list\)/],
    ["JSON without format_version", () => file("other.json", '{"hello":"world"}'), /has no format_version/],
    [
      "a raw state file",
      () => file("state.tfstate", JSON.stringify({ version: 4, serial: 3, lineage: "x", resources: [] })),
      /is a state file/,
    ],
    [
      "the JSON of a state",
      () => file("state.json", JSON.stringify({ format_version: "1.0", values: {} })),
      /JSON of a state/,
    ],
    [
      "format_version 2",
      () => file("v2.json", plan({ format_version: "2.0" })),
      /format_version 2\.0; tempgrant reads plan JSON format 0\.x and 1\.x/,
    ],
    [
      "a resource change without actions",
      () => file("noactions.json", plan({ resource_changes: [{ address: "a.b", type: "a", change: {} }] })),
      /resource_changes\[0\] \(a\.b\) has no list of actions/,
    ],
    [
      "binary garbage",
      () => file("garbage.bin", Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x9f])),
      /is binary data, not plan JSON/,
    ],
    [
      "a 200 MB plan",
      () => {
        const path = file("huge.json", "");
        truncateSync(path, 200 * 1024 * 1024);
        return path;
      },
      /is 200 MiB, over the 64 MiB limit/,
    ],
    ["a missing file", () => join(scratch, "missing.json"), /missing\.json: no such file/],
    // Issue 15 item 6: input the reader must not trust, crafted (tofu cannot write it).
    [
      "a number that overflows",
      () => file("overflow.json", plan({ planned_values: { x: 1 } }).replace('"x":1', '"x":1e999')),
      /overflow\.json: is not plan JSON: the number 1e999 is out of range \(not a finite double\) at line 1, column \d+$/,
    ],
    [
      "a duplicated key (the second expiry is the one JSON.parse keeps)",
      () =>
        file(
          "duplicate.json",
          recordPlan(record).replace(
            '"expiresAt":"2027-01-11T12:00:00Z"',
            '"expiresAt":"2027-01-11T12:00:00Z","expiresAt":"2099-01-01T00:00:00Z"',
          ),
        ),
      /duplicate\.json: is not plan JSON: duplicate key "expiresAt" at line 1, column \d+$/,
    ],
    [
      "nesting deep enough to exhaust a recursive reader",
      () =>
        file(
          "deep.json",
          plan({ planned_values: { x: "DEEP" } }).replace(
            '"DEEP"',
            `${"[".repeat(100_000)}${"]".repeat(100_000)}`,
          ),
        ),
      /deep\.json: is not plan JSON: nested deeper than 512 levels at line 1, column \d+$/,
    ],
    [
      'break_glass "false" in the provider\'s record',
      () => file("break-glass.json", providerPlan({ break_glass: "false" })),
      /resource_changes\[0\] \(tempgrant_grant\.alice\) after: break_glass is the string "false", not true or false$/,
    ],
    [
      'native_expiry "false" in the provider\'s record',
      () => file("native-expiry.json", providerPlan({ native_expiry: "false" })),
      /\(tempgrant_grant\.alice\) after: native_expiry is the string "false", not true or false$/,
    ],
    [
      'breakGlass "false" in a terraform_data record',
      () => file("breakglass-legacy.json", recordPlan({ ...record, breakGlass: "false" })),
      /\(terraform_data\.grant_alice\) after: input\.breakGlass is the string "false", not true or false$/,
    ],
    [
      // JSON.parse makes such an escape a string that is not text; the digest could not be
      // computed from it (it was an internal error, exit 3, before the reader refused it).
      "half a surrogate pair escaped on its own, in a grant's reason",
      () =>
        file(
          "lone-surrogate.json",
          recordPlan(record).replace(
            `"reason":${JSON.stringify(record.reason)}`,
            '"reason":"fix \\ud800 now"',
          ),
        ),
      /lone-surrogate\.json: is not plan JSON: an escaped lone surrogate \(half of a UTF-16 pair\): not Unicode text at line 1, column \d+$/,
    ],
    [
      "half a surrogate pair in a key",
      () => file("lone-key.json", plan({ planned_values: { x: 1 } }).replace('"x":1', '"\\udc00":1')),
      /lone-key\.json: is not plan JSON: an escaped lone surrogate/,
    ],
    [
      "a long bad value, quoted short",
      () => file("long.json", recordPlan({ ...record, breakGlass: "f".repeat(500) })),
      /input\.breakGlass is the string "f{40}…", not true or false$/,
    ],
  ];

  it.each(cases)("%s", async (_name, make, message) => {
    const result = await runCli(["check", make()]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("reads a plan that starts with a UTF-8 byte-order mark as the plan", async () => {
    const withBom = file("bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plan({}))]));
    const result = await runCli(["check", withBom, "--now", "2026-12-01T00:00:00Z"]);
    expect([result.exitCode, result.stderr]).toEqual([0, ""]);
  });

  it("refuses a bad --now, --config and --format the same way", async () => {
    const ok = file("ok.json", plan({}));
    const badConfig = file("tempgrant.yaml", "maxDuration:\n  default: forever\n");
    for (const args of [
      ["--now", "2027-01-01T00:00:00"],
      ["--config", badConfig],
      ["--format", "xml"],
      ["--max-plan-size", "lots"],
    ]) {
      const result = await runCli(["check", ok, ...args]);
      expect([args[0], result.exitCode]).toEqual([args[0], 2]);
    }
  });

  it("exits 3, not 0, when the policy bundle does not load", async () => {
    const ok = file("ok2.json", plan({}));
    const broken = file("broken.wasm", "not wasm");
    const result = await runCli(["check", ok, "--bundle", broken]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/is not a valid OPA WASM bundle/);
  });
});
