import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDiffInput, readDiffSides } from "./read-input.js";

// Recognizing each input by its content, and reading a raw state the way `show -json` reads
// it. The shapes follow what tofu 1.12 writes (see the real-state tests for the proof).
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-diff-input-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};

const grantInput = {
  tempgrant: "tempgrant.grant-record/v1",
  id: "a",
  resources: ["terraform_data.a_access"],
};

describe("readDiffInput", () => {
  it("reads a raw v4 state: addresses with modules and keys, dynamic values unwrapped, data and deposed left out", () => {
    const path = file("raw.tfstate", {
      version: 4,
      terraform_version: "1.12.6",
      serial: 7,
      lineage: "l",
      outputs: {},
      resources: [
        {
          mode: "managed",
          type: "terraform_data",
          name: "grant_a",
          provider: 'provider["terraform.io/builtin/terraform"]',
          instances: [
            {
              schema_version: 0,
              attributes: {
                id: "u1",
                input: { value: grantInput, type: ["object", { id: "string" }] },
                output: { value: grantInput, type: ["object", { id: "string" }] },
                triggers_replace: null,
              },
            },
            { deposed: "00000001", attributes: { id: "old" } },
          ],
        },
        {
          module: "module.m",
          mode: "managed",
          type: "aws_iam_user_policy",
          name: "p",
          instances: [
            { index_key: 0, attributes: { policy: "{}" } },
            { index_key: "k1", attributes: { policy: "{}" } },
          ],
        },
        { mode: "data", type: "aws_iam_policy_document", name: "d", instances: [{ attributes: {} }] },
      ],
    });
    const input = readDiffInput(path);
    expect(input.kind).toBe("state");
    if (input.kind !== "state") return;
    expect(input.snapshot).toMatchObject({ kind: "raw-state", serial: 7 });
    expect(input.snapshot.resources.map((r) => r.address)).toEqual([
      "terraform_data.grant_a",
      "module.m.aws_iam_user_policy.p[0]",
      'module.m.aws_iam_user_policy.p["k1"]',
    ]);
    expect(input.snapshot.resources[0]?.values).toEqual({
      id: "u1",
      input: grantInput,
      output: grantInput,
      triggers_replace: null,
    });
  });

  it("reads show -json of a state, child modules included, and an empty state", () => {
    const path = file("state.json", {
      format_version: "1.0",
      values: {
        root_module: {
          resources: [
            {
              address: "terraform_data.g",
              mode: "managed",
              type: "terraform_data",
              values: { input: grantInput },
            },
          ],
          child_modules: [
            {
              address: "module.m",
              resources: [
                { address: "module.m.aws_iam_role.r", mode: "managed", type: "aws_iam_role", values: {} },
              ],
            },
          ],
        },
      },
    });
    const input = readDiffInput(path);
    expect(input.kind === "state" && input.snapshot.resources.map((r) => r.address)).toEqual([
      "terraform_data.g",
      "module.m.aws_iam_role.r",
    ]);
    const empty = readDiffInput(file("empty-state.json", { format_version: "1.0" }));
    expect(empty.kind === "state" && empty.snapshot.resources).toEqual([]);
  });

  it("reads a plan as its prior state and its planned values; a first plan has no prior state", () => {
    const resource = (input: string) => ({
      address: "terraform_data.t",
      mode: "managed",
      type: "terraform_data",
      values: { input },
    });
    const path = file("plan.json", {
      format_version: "1.2",
      planned_values: { root_module: { resources: [resource("new")] } },
      prior_state: { format_version: "1.0", values: { root_module: { resources: [resource("old")] } } },
    });
    const sides = readDiffSides([path]);
    expect([sides.before.kind, sides.before.resources[0]?.values.input]).toEqual(["plan-prior", "old"]);
    expect([sides.after.kind, sides.after.resources[0]?.values.input]).toEqual(["plan-planned", "new"]);
    const first = readDiffSides([file("first-plan.json", { format_version: "1.2", planned_values: {} })]);
    expect([first.before.resources, first.after.resources]).toEqual([[], []]);
  });

  const messages: [string, string | object, RegExp][] = [
    ["empty", "", /is empty: expected a state/],
    ["blank", "  \n", /is empty/],
    ["truncated", '{"version": 4, "resources": [', /is not valid JSON \(it ends early: truncated\?\)/],
    ["bad JSON", '{"version": 4,, }', /is not valid JSON \(unexpected text at line 1, column 15\)/],
    ["a list", [1], /is JSON but not a state or plan \(top level is a list\)/],
    ["other JSON", { hello: "world" }, /is JSON but not a state or plan: expected a state/],
    [
      "state v3",
      { version: 3, serial: 1, lineage: "l", modules: [] },
      /is a version 3 state file; tempgrant reads version 4/,
    ],
    [
      "format 2",
      { format_version: "2.0", values: {} },
      /has format_version 2\.0; tempgrant reads format 0\.x and 1\.x/,
    ],
    [
      "schema JSON",
      { format_version: "1.0", provider_schemas: {} },
      /has a format_version but is neither a state nor a plan/,
    ],
    [
      "encrypted",
      { serial: 1, lineage: "l", encrypted_data: "x", encryption_version: "v0" },
      /is an encrypted state/,
    ],
    ["bad resources", { version: 4, lineage: "l", resources: {} }, /has resources that is not a list/],
    [
      "resource without address",
      { format_version: "1.0", values: { root_module: { resources: [{ type: "x" }] } } },
      /values\.root_module\.resources\[0\] has no address/,
    ],
  ];
  it.each(messages)("refuses %s with a message naming the file", (name, content, message) => {
    const path = file(`${name}.json`, content);
    expect(() => readDiffInput(path)).toThrow(message);
    expect(() => readDiffInput(path)).toThrow(path);
  });

  it("refuses a zip (a saved plan) and binary data", () => {
    expect(() =>
      readDiffInput(file("p.tfplan", Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]).toString("latin1"))),
    ).toThrow(/is a saved binary plan/);
    const bin = join(scratch, "bin");
    writeFileSync(bin, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    expect(() => readDiffInput(bin)).toThrow(/is binary data, not JSON/);
  });

  // The plan reader's rules (src/plan/json-document.ts), for states and plans alike: a
  // repeated key would let two readers see two different grants in one file.
  it("reads by the plan reader's strict rules: repeated keys, depth and numbers refused, a BOM skipped", () => {
    const repeated = file(
      "repeated.json",
      '{"format_version": "1.0", "values": {"root_module": {"resources": [], "resources": []}}}',
    );
    expect(() => readDiffInput(repeated)).toThrow(
      /repeated\.json: is not state or plan JSON: duplicate key "resources" at line 1, column 71/,
    );
    const deep = file(
      "deep.json",
      `{"format_version": "1.0", "values": ${"[".repeat(600)}${"]".repeat(600)}}`,
    );
    expect(() => readDiffInput(deep)).toThrow(
      /deep\.json: is not state or plan JSON: nested deeper than 512 levels/,
    );
    const huge = file("huge.json", '{"version": 4, "serial": 1e999, "resources": []}');
    expect(() => readDiffInput(huge)).toThrow(/huge\.json: is not state or plan JSON: .*1e999/);
    const bom = file("bom.json", `\ufeff${JSON.stringify({ format_version: "1.0" })}`);
    expect(readDiffInput(bom)).toMatchObject({ kind: "state", snapshot: { resources: [] } });
  });

  it("refuses a file over the size limit, naming the option that raises it", () => {
    const state = file("big.json", { format_version: "1.0", values: { root_module: { resources: [] } } });
    expect(() => readDiffInput(state, 10)).toThrow(
      /big\.json: is 0\.0 MiB, over the 0\.0 MiB limit \(raise it with --max-size/,
    );
  });

  it("wants one plan, or two states", () => {
    const state = file("s.json", { format_version: "1.0" });
    const plan = file("p.json", { format_version: "1.2", planned_values: {} });
    expect(() => readDiffSides([state])).toThrow(/s\.json: is a state: give a second state/);
    expect(() => readDiffSides([state, plan])).toThrow(/p\.json: is a plan: diff a plan on its own/);
    expect(() => readDiffSides([plan, state])).toThrow(/p\.json: is a plan/);
  });
});
