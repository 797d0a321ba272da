import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

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
  ];

  it.each(cases)("%s", async (_name, make, message) => {
    const result = await runCli(["check", make()]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
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
