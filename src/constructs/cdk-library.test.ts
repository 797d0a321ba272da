import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../exec/run-command.js";
import { cdkLibrary, cdkLibraryOf } from "./cdk-library.js";
import { RawResource } from "./raw-resource.js";

const scratch = mkdtempSync(join(tmpdir(), "tempgrant-cdk-library-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the CDK library of a stack", () => {
  it("is cdktf for a cdktf stack, found from any construct below it", () => {
    const stack = new TerraformStack(new App({ outdir: scratch }), "s");
    expect(cdkLibraryOf(new Construct(new Construct(stack, "a"), "b")).name).toBe("cdktf");
    expect(cdkLibraryOf(stack).TerraformStack).toBe(TerraformStack);
  });

  it("refuses a stack of neither library as tempgrant loads them (a second copy), naming it", () => {
    // What cdktf and cdktn mark a stack with; a copy of either library marks its stacks so.
    const app = new App({ outdir: scratch });
    const foreign = new Construct(app, "foreign");
    Object.defineProperty(foreign, Symbol.for("cdktf/TerraformStack"), { value: true });
    const make = (id: string) => () =>
      new RawResource(new Construct(foreign, id), "r", { type: "a_b", name: "r", attributes: {} });
    expect(make("grant")).toThrow(
      'foreign/grant: stack "foreign" is a TerraformStack of neither the cdktf nor the cdktn that tempgrant loads: install one copy of the library, next to tempgrant',
    );
    expect(make("other")).toThrow(expect.objectContaining({ code: "USAGE" }));
    // Nothing was made in it.
    expect(foreign.node.findAll().map((construct) => construct.node.path)).toEqual([
      "foreign",
      "foreign/grant",
      "foreign/other",
    ]);
  });

  it("loads cdktn only for a cdktn stack: a cdktf app synthesizes without it", async () => {
    const script = join(scratch, "cdktf-app.mts");
    const library = fileURLToPath(new URL("./index.ts", import.meta.url));
    writeFileSync(
      script,
      [
        'import { createRequire } from "node:module";',
        `import { App, TerraformStack } from ${JSON.stringify(import.meta.resolve("cdktf"))};`,
        `import { localStateBackend, RawResource, setGrantClock, tempgrantProvider } from ${JSON.stringify(library)};`,
        `const app = new App({ outdir: ${JSON.stringify(join(scratch, "out"))} });`,
        "setGrantClock(app, { now: 0 });",
        'const stack = new TerraformStack(app, "s");',
        `localStateBackend(stack, "s", { projectDir: ${JSON.stringify(scratch)} });`,
        "tempgrantProvider(stack);",
        'new RawResource(stack, "r", { type: "terraform_data", name: "r", attributes: {} });',
        "app.synth();",
        "const loaded = Object.keys(createRequire(import.meta.url).cache);",
        'console.log(JSON.stringify({ cdktf: loaded.some((file) => file.includes("/node_modules/cdktf/")), cdktn: loaded.some((file) => file.includes("/node_modules/cdktn/")) }));',
      ].join("\n"),
    );
    const result = await runCommand({
      program: process.execPath,
      args: ["--import", import.meta.resolve("tsx"), script],
      timeoutMs: 120_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ cdktf: true, cdktn: false });
  });

  it("by name: cdktf, or cdktn when installed (it is, for the tests)", () => {
    expect(cdkLibrary("cdktf").App).toBe(App);
    expect(cdkLibrary("cdktn").name).toBe("cdktn");
    expect(cdkLibrary("cdktn").App).not.toBe(App);
  });
});
