import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../exec/run-command.js";
import { compiledAppCommand } from "./compiled-app.js";
import { synthApp } from "./synth-app.js";

// A cdktf app run the way `tempgrant init` sets it up (`node --import tsx stacks/main.ts`, an
// ES module project with its packages in node_modules), synthesized by real cdktf: compiled
// once into the cache, run with the run's clock, rebuilt whenever anything it was built
// from changes, and run through tsx as written when bundling could change what it does.
const modules = fileURLToPath(new URL("../../node_modules/", import.meta.url));
const projects: string[] = [];
afterAll(() => projects.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const APP = "node --import tsx stacks/main.ts";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-compiled-app-"));
  projects.push(dir);
  mkdirSync(join(dir, "node_modules"));
  for (const name of ["cdktf", "constructs", "tsx"])
    symlinkSync(join(modules, name), join(dir, "node_modules", name));
  const all = {
    "package.json": JSON.stringify({ type: "module", private: true }),
    "cdktf.json": JSON.stringify({ language: "typescript", app: APP }),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) write(dir, name, text);
  return dir;
}

function write(dir: string, name: string, text: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), text);
}

/** An app whose stack is named by stacks/names.ts and whose output is the run's clock. */
const MAIN = [
  'import { App, TerraformOutput, TerraformStack } from "cdktf";',
  'import { stackName } from "./names.js";',
  "const app = new App();",
  "const stack = new TerraformStack(app, stackName);",
  'new TerraformOutput(stack, "now", { value: process.env.TEMPGRANT_NOW ?? "unset" });',
  "app.synth();",
  "",
].join("\n");

const synth = (dir: string, now = "2026-12-02T10:00:00Z") =>
  synthApp({ projectDir: dir, outdir: "cdktf.out", now });

const output = (stackDir: string): unknown =>
  (JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { output: { now: { value: unknown } } })
    .output.now.value;

const bundles = (dir: string): string[] => {
  const cache = join(dir, "node_modules", ".cache", "tempgrant-app");
  return existsSync(cache)
    ? readdirSync(cache, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".mjs"))
    : [];
};

describe("the compiled cdktf app", () => {
  it("runs compiled with the run's clock, and is rebuilt when a source, a new file or tsconfig changes what it is", async () => {
    const dir = project({
      "stacks/main.ts": MAIN,
      "stacks/names.ts": 'export const stackName: string = "alpha";\n',
    });
    const command = await compiledAppCommand(dir, APP.split(" "));
    expect(command?.[0]).toBe("node");
    expect(command?.at(-1)).toMatch(/node_modules\/\.cache\/tempgrant-app\/.+\.mjs$/);

    const first = await synth(dir);
    expect(Object.keys(first)).toEqual(["alpha"]);
    expect(output(first.alpha as string)).toBe("2026-12-02T10:00:00Z");
    expect(bundles(dir)).toHaveLength(1);
    // Unchanged: the same bundle, another clock.
    const again = await synth(dir, "2026-12-02T11:00:00Z");
    expect(output(again.alpha as string)).toBe("2026-12-02T11:00:00Z");
    expect(bundles(dir)).toHaveLength(1);

    write(dir, "stacks/names.ts", 'export const stackName: string = "beta";\n');
    expect(Object.keys(await synth(dir))).toEqual(["beta"]);

    // A new file changes what an unchanged import resolves to: "./other" is other/index.ts
    // until other.ts exists.
    write(dir, "stacks/main.ts", MAIN.replace('"./names.js"', '"./other"'));
    write(dir, "stacks/other/index.ts", 'export const stackName: string = "from-folder";\n');
    expect(Object.keys(await synth(dir))).toEqual(["from-folder"]);
    write(dir, "stacks/other.ts", 'export const stackName: string = "from-file";\n');
    expect(Object.keys(await synth(dir))).toEqual(["from-file"]);
    expect(
      Object.keys(await synthApp({ projectDir: dir, outdir: "cdktf.out", now: "2026-12-02T10:00:00Z" })),
    ).toEqual(["from-file"]);

    // tsconfig.json is part of the build: a changed `paths` alias must rebuild.
    write(dir, "stacks/main.ts", MAIN.replace('"./names.js"', '"#names"'));
    write(
      dir,
      "tsconfig.json",
      JSON.stringify({ compilerOptions: { paths: { "#names": ["./stacks/names.ts"] } } }),
    );
    expect(Object.keys(await synth(dir))).toEqual(["beta"]);
    write(
      dir,
      "tsconfig.json",
      JSON.stringify({ compilerOptions: { paths: { "#names": ["./stacks/other.ts"] } } }),
    );
    expect(Object.keys(await synth(dir))).toEqual(["from-file"]);
  });

  it("runs an app that looks at its own location through tsx, as written", async () => {
    const dir = project({
      "stacks/main.ts": MAIN.replace(
        'import { stackName } from "./names.js";',
        'const stackName = new URL(".", import.meta.url).pathname.endsWith("/stacks/") ? "in-place" : "moved";',
      ),
    });
    expect(await compiledAppCommand(dir, APP.split(" "))).toBeUndefined();
    expect(Object.keys(await synth(dir))).toEqual(["in-place"]);
    expect(bundles(dir)).toEqual([]);
    // The decision is kept while the sources are unchanged; changed, they are looked at again.
    const record = readdirSync(join(dir, "node_modules", ".cache", "tempgrant-app"), {
      recursive: true,
      encoding: "utf8",
    }).find((name) => name.endsWith("record.json"));
    const cached = JSON.parse(
      readFileSync(join(dir, "node_modules", ".cache", "tempgrant-app", record ?? ""), "utf8"),
    ) as { bundle: unknown; inputs: unknown };
    expect(cached).toMatchObject({ bundle: null, inputs: ["stacks/main.ts"] });
    write(
      dir,
      "stacks/main.ts",
      MAIN.replace('import { stackName } from "./names.js";', 'const stackName = "moved";'),
    );
    expect(await compiledAppCommand(dir, APP.split(" "))).toBeDefined();
    expect(Object.keys(await synth(dir))).toEqual(["moved"]);
  });

  it("leaves commands it does not recognize, and projects that are not ES modules, as written", async () => {
    const dir = project({ "stacks/main.ts": MAIN, "stacks/names.ts": 'export const stackName = "alpha";\n' });
    for (const argv of [
      ["node", "stacks/main.ts"],
      ["node", "--import", "./loader.mjs", "stacks/main.ts"],
      ["node", "--require", "tsx/cjs", "--import", "tsx", "stacks/main.ts"],
      ["npx", "ts-node", "stacks/main.ts"],
      ["sh", "-c", "tsx stacks/main.ts"],
      ["tsx", "../elsewhere/main.ts"],
      ["tsx", "stacks/missing.ts"],
    ]) {
      expect(await compiledAppCommand(dir, argv), argv.join(" ")).toBeUndefined();
    }
    // A folder whose package.json makes its .ts files CommonJS, which tsx would run as such.
    write(dir, "stacks/package.json", JSON.stringify({ type: "commonjs" }));
    expect(await compiledAppCommand(dir, ["tsx", "stacks/main.ts"])).toBeUndefined();
    rmSync(join(dir, "stacks", "package.json"));
    expect(await compiledAppCommand(dir, ["tsx", "stacks/main.ts"])).toBeDefined();
    write(dir, "package.json", JSON.stringify({ private: true }));
    expect(await compiledAppCommand(dir, ["tsx", "stacks/main.ts"])).toBeUndefined();
  });

  it("leaves a source that does not compile to tsx, whose error is reported with the command as written", async () => {
    const dir = project({
      "stacks/main.ts": `const = ;\n${MAIN}`,
      "stacks/names.ts": 'export const stackName = "a";\n',
    });
    expect(await compiledAppCommand(dir, APP.split(" "))).toBeUndefined();
    await expect(synth(dir)).rejects.toThrow(
      /^the cdktf app failed: .*; run `node --import tsx stacks\/main\.ts` to see all of its output$/,
    );
  });

  it("fails as before when the compiled app throws, its stack naming the TypeScript source", async () => {
    const dir = project({
      "stacks/main.ts": MAIN,
      "stacks/names.ts": 'export const stackName: string = "alpha";\nthrow new Error("no names today");\n',
    });
    const command = await compiledAppCommand(dir, APP.split(" "));
    expect(command).toBeDefined();
    const [program, ...args] = command as [string, ...string[]];
    const run = await runCommand({ program, args, cwd: dir });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${join(dir, "stacks", "names.ts")}:2`);
    await expect(synth(dir)).rejects.toThrow(
      /^the cdktf app failed: no names today; run `node --import tsx stacks\/main\.ts` to see all of its output$/,
    );
  });
});
