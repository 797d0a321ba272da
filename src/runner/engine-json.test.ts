import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TempgrantError } from "../errors.js";
import { showJson } from "./show.js";
import { stateIdentity } from "./state-pull.js";
import type { Workspace } from "./workspace.js";

// The runner reads what the engine prints by the plan reader's strict rules. An engine that
// prints crafted output (a script standing in for tofu) must get a one-line refusal that names
// the command and the problem: never a value read past the problem, never a stack trace.

const dir = mkdtempSync(join(tmpdir(), "tempgrant-engine-json-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const engine = join(dir, "engine");
writeFileSync(engine, '#!/bin/sh\ncat "$CRAFTED_OUTPUT"\n');
chmodSync(engine, 0o755);

let outputs = 0;
/** A workspace whose engine prints `output` for any command. */
function printing(output: string | Buffer): Workspace {
  const file = join(dir, `output-${(outputs += 1)}`);
  writeFileSync(file, output);
  return {
    engine: { kind: "tofu", binary: engine, cliConfigFile: undefined },
    workingDir: dir,
    lockTimeout: "1s",
    env: { CRAFTED_OUTPUT: file },
  };
}

/** The error a call fails with, held to the fail-closed shape: ENGINE_OUTPUT, one line. */
async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TempgrantError);
  const { code, message } = error as TempgrantError;
  expect(code).toBe("ENGINE_OUTPUT");
  expect(message).not.toMatch(/[\r\n]/);
  return message;
}

const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("state pull, read by the strict rules", () => {
  it("reads a state's serial and lineage, after a byte-order mark too; nulls when there is no state", async () => {
    const state = '{"version":4,"serial":7,"lineage":"4f1c","resources":[]}';
    expect(await stateIdentity(printing(state))).toEqual({ serial: 7, lineage: "4f1c" });
    expect(await stateIdentity(printing(`\ufeff${state}`))).toEqual({ serial: 7, lineage: "4f1c" });
    expect(await stateIdentity(printing("\n"))).toEqual({ serial: null, lineage: null });
  });

  it.each([
    [
      "a repeated key (JSON.parse would keep the later serial)",
      '{"serial": 7,\n "lineage": "4f1c",\n "serial": 9}',
      /^`tofu state pull` printed JSON that tempgrant refuses: duplicate key "serial" at line 3, column 2$/,
    ],
    [
      "a number out of range",
      '{"serial": 1e999, "lineage": "4f1c"}',
      /^`tofu state pull` printed JSON that tempgrant refuses: .*1e999.* at line 1, column 12$/,
    ],
    [
      "nesting past the limit",
      `{"serial": 7, "resources": ${deep(600)}}`,
      /^`tofu state pull` printed JSON that tempgrant refuses: nested deeper than 512 levels at line 1, column \d+$/,
    ],
    [
      "a lone surrogate",
      '{"serial": 7, "lineage": "4f1c\\ud800"}',
      /^`tofu state pull` printed JSON that tempgrant refuses: an escaped lone surrogate .* at line 1, column 31$/,
    ],
    [
      "text that is not JSON, over several lines",
      '{"serial": 7,\n"lineage":\n oops\n}',
      /^`tofu state pull` printed something that is not JSON \(.+\)$/,
    ],
    ["JSON that is not a state", "[7]", /^`tofu state pull` printed JSON that is not a state \(an object\)$/],
    ["a state that is null", "null", /^`tofu state pull` printed JSON that is not a state \(an object\)$/],
  ])("refuses %s", async (_what, output, message) => {
    expect(await refusal(stateIdentity(printing(output)))).toMatch(message);
  });
});

describe("show -json, read by the strict rules", () => {
  const shown = {
    format_version: "1.0",
    values: { root_module: { resources: [{ address: "terraform_data.g", values: { input: "x" } }] } },
  };

  it("returns the document the engine printed", async () => {
    expect(await showJson(printing(JSON.stringify(shown)))).toEqual(shown);
  });

  it.each([
    [
      "a repeated key in a resource's values (JSON.parse would keep the later one)",
      '{"values": {"root_module": {"resources": [{"values": {"owns": ["a"], "owns": []}}]}}}',
      /^`tofu show -json` printed JSON that tempgrant refuses: duplicate key "owns" at line 1, column 70$/,
    ],
    [
      "a number out of range",
      '{"format_version": "1.0", "values": {"serial": -1e400}}',
      /^`tofu show -json` printed JSON that tempgrant refuses: .* at line 1, column 48$/,
    ],
    [
      "nesting past the limit",
      `{"values": ${deep(1000)}}`,
      /^`tofu show -json` printed JSON that tempgrant refuses: nested deeper than 512 levels/,
    ],
    [
      "a lone low surrogate",
      '{"values": {"name": "\\udc00"}}',
      /^`tofu show -json` printed JSON that tempgrant refuses: an escaped lone surrogate/,
    ],
    [
      "a truncated document",
      '{"values": {"root_module": ',
      /^`tofu show -json` printed something that is not JSON/,
    ],
  ])("refuses %s", async (_what, output, message) => {
    expect(await refusal(showJson(printing(output)))).toMatch(message);
  });
});
