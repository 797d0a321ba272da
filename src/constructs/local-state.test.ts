import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { afterAll, describe, expect, it } from "vitest";
import { localStateBackend } from "./local-state.js";

const scratch = mkdtempSync(join(tmpdir(), "tempgrant-local-state-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A project folder with, optionally, states where earlier versions and this one keep them. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const backendPath = (stack: TerraformStack): unknown =>
  (JSON.parse(Testing.synth(stack)) as { terraform: { backend: { local: { path: string } } } }).terraform
    .backend.local.path;

describe("localStateBackend", () => {
  it("keeps the state in state/<stack>.tfstate of the project, outside cdktf.out", () => {
    const dir = project("fresh", {});
    const stack = new TerraformStack(new App(), "main");
    localStateBackend(stack, "main", { projectDir: dir, outdir: "cdktf.out" });
    expect(backendPath(stack)).toBe(join(dir, "state", "main.tfstate"));
  });

  it("moves a state (and its backup) an earlier version left in cdktf.out, bytes intact", () => {
    const dir = project("old", {
      "cdktf.out/stacks/main/terraform.tfstate": '{"serial": 7}',
      "cdktf.out/stacks/main/terraform.tfstate.backup": '{"serial": 6}',
    });
    localStateBackend(new TerraformStack(new App(), "main"), "main", {
      projectDir: dir,
      outdir: "cdktf.out",
    });
    expect(readFileSync(join(dir, "state", "main.tfstate"), "utf8")).toBe('{"serial": 7}');
    expect(readFileSync(join(dir, "state", "main.tfstate.backup"), "utf8")).toBe('{"serial": 6}');
    expect(existsSync(join(dir, "cdktf.out", "stacks", "main", "terraform.tfstate"))).toBe(false);
  });

  it("never overwrites: with both states present it stops, names both, and moves nothing", () => {
    const dir = project("both", {
      "cdktf.out/stacks/main/terraform.tfstate": '{"serial": 3}',
      "state/main.tfstate": '{"serial": 9}',
    });
    expect(() =>
      localStateBackend(new TerraformStack(new App(), "main"), "main", {
        projectDir: dir,
        outdir: "cdktf.out",
      }),
    ).toThrow(
      /two local states, .*cdktf\.out\/stacks\/main\/terraform\.tfstate .* and .*state\/main\.tfstate/,
    );
    expect(readFileSync(join(dir, "state", "main.tfstate"), "utf8")).toBe('{"serial": 9}');
    expect(readFileSync(join(dir, "cdktf.out", "stacks", "main", "terraform.tfstate"), "utf8")).toBe(
      '{"serial": 3}',
    );
  });
});
