import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

// `tempgrant audit diff` refuses bad input with exit 2 and one line that names the file;
// its --help documents the exit codes with examples.
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-audit-diff-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, content: string | Buffer | object): string {
  const path = join(scratch, name);
  writeFileSync(
    path,
    typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content),
  );
  return path;
}

const state = () => file("state.json", { format_version: "1.0", values: { root_module: {} } });
const plan = () => file("plan.json", { format_version: "1.2", planned_values: {} });

describe("tempgrant audit diff refuses bad input with exit 2", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["an empty file", () => [file("empty.json", ""), state()], /empty\.json: is empty: expected a state/],
    ["a file that is not JSON", () => [state(), file("notes.txt", "hello")], /notes\.txt: is not valid JSON/],
    [
      "truncated JSON",
      () => [file("cut.tfstate", '{"version": 4, "serial": 3, "resources": [{"mode"'), state()],
      /cut\.tfstate: is not valid JSON \(it ends early.*: truncated\?\)/,
    ],
    [
      "JSON that is neither a state nor a plan",
      () => [file("package.json", { name: "x" }), state()],
      /package\.json: is JSON but not a state or plan/,
    ],
    [
      "a state of the wrong version",
      () => [file("old.tfstate", { version: 3, serial: 1, lineage: "l", modules: [] }), state()],
      /old\.tfstate: is a version 3 state file; tempgrant reads version 4/,
    ],
    [
      "show -json of another format version",
      () => [state(), file("v2.json", { format_version: "2.0", values: {} })],
      /v2\.json: has format_version 2\.0/,
    ],
    [
      "an encrypted state",
      () => [
        file("enc.tfstate", { serial: 1, lineage: "l", encrypted_data: "x", encryption_version: "v0" }),
        state(),
      ],
      /enc\.tfstate: is an encrypted state/,
    ],
    [
      "a saved binary plan",
      () => [file("p.tfplan", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))],
      /p\.tfplan: is a saved binary plan/,
    ],
    ["a missing file", () => [state(), join(scratch, "missing.json")], /missing\.json: no such file/],
    ["one state on its own", () => [state()], /state\.json: is a state: give a second state/],
    ["a plan with a state", () => [plan(), state()], /plan\.json: is a plan: diff a plan on its own/],
    ["three files", () => [state(), state(), state()], /too many arguments|give two states/],
    ["a bad --format", () => [plan(), "--format", "html"], /--format.*html.*(choices|invalid)/i],
    [
      "a bad --access-order",
      () => [plan(), "--access-order", "read,,admin"],
      /--access-order "read,,admin" is not a list/,
    ],
    ["a bad --max-size", () => [plan(), "--max-size", "lots"], /--max-size "lots" is not a size/],
    [
      "a bad --config",
      () => [plan(), "--config", file("tempgrant.yaml", "privilegedTypes: 7\n")],
      /tempgrant\.yaml/,
    ],
  ];

  it.each(cases)("%s", async (_name, args, message) => {
    const result = await runCli(["audit", "diff", ...args()]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toMatch(message);
    // commander adds its usage hint after its own errors; ours are one line, no stack trace.
    expect(lines.filter((line) => !line.startsWith("(run with --help"))).toHaveLength(1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("tempgrant audit diff --help", () => {
  it("documents the exit codes with examples", async () => {
    const result = await runCli(["audit", "diff", "--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*--fail-on-unmanaged.*\n {2}2 .*bad input/);
    expect(result.stdout).toContain("$ tempgrant audit diff before.tfstate terraform.tfstate");
    expect(result.stdout).toMatch(/--format <format>.*\n?.*"text", "markdown", "json",/);
  });

  it("is listed under tempgrant audit", async () => {
    const result = await runCli(["audit", "--help"]);
    expect(result.stdout).toMatch(/^ {2}diff \[options\] <before> \[after\]/m);
  });
});
