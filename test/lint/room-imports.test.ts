import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The import direction between the rooms of src/, as eslint.config.js enforces it: probe
// files placed in a room, linted with the project's own configuration (ESLint's Node API).
const root = join(import.meta.dirname, "..", "..");
const eslint = new ESLint({ cwd: root });
// The configuration is plain JavaScript, outside the type checker's view: loaded by its path.
const { ROOM_LAYERS: layers } = (await import(pathToFileURL(join(root, "eslint.config.js")).href)) as {
  ROOM_LAYERS: readonly (readonly string[])[];
};

/** The messages of the import-direction rules for a probe file at `path` (relative to the repository). */
async function importProblems(path: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(root, path) });
  return result!.messages
    .filter(
      (message) => message.ruleId === "no-restricted-imports" || message.ruleId === "no-restricted-syntax",
    )
    .map((message) => `${message.line}:${message.ruleId}`);
}

/** A probe in `from` that imports `to` in each way the rule must see. */
const probe = (to: string) =>
  [
    `import { a } from "../${to}/probe.js";`,
    `export { b } from "../${to}/probe.js";`,
    `export const c = await import("../${to}/probe.js");`,
    `export type D = import("../${to}/probe.js").D;`,
    `console.log(a);`,
  ].join("\n");
const ALL_FOUR = [
  "1:no-restricted-imports",
  "2:no-restricted-imports",
  "3:no-restricted-syntax",
  "4:no-restricted-syntax",
];

describe("import direction between the rooms of src/", () => {
  it("refuses an import from a higher room, static, re-exported, dynamic and as a type", async () => {
    expect(await importProblems("src/grant/probe.ts", probe("cli"))).toEqual(ALL_FOUR);
    // The ledger's stored format must not come from the sweep again.
    expect(
      await importProblems(
        "src/audit/ledger/probe.ts",
        'export const s = await import("../../sweep/sweep-stack.js");\nimport type { SweepOutcome } from "../../sweep/sweep-stack.js";\nexport type S = SweepOutcome;',
      ),
    ).toEqual(["1:no-restricted-syntax", "2:no-restricted-imports"]);
  });

  it("holds for every room against every room of a higher layer, and lets every lower one in", async () => {
    for (const [index, layer] of layers.entries()) {
      const above = layers.slice(index + 1).flat();
      const belowOrSame = layers.slice(0, index + 1).flat();
      for (const room of layer) {
        for (const higher of above) {
          expect(await importProblems(`src/${room}/probe.ts`, probe(higher)), `${room} -> ${higher}`).toEqual(
            ALL_FOUR,
          );
        }
        for (const lower of belowOrSame) {
          expect(await importProblems(`src/${room}/probe.ts`, probe(lower)), `${room} -> ${lower}`).toEqual(
            [],
          );
        }
      }
    }
  });

  it("keeps src/errors.ts and src/run-status.ts below every room, and the grant model free of cdktf and cdktn", async () => {
    for (const file of ["src/errors.ts", "src/run-status.ts"]) {
      expect(await importProblems(file, probe("exec").replaceAll("../", "./"))).toEqual(ALL_FOUR);
    }
    expect(
      await importProblems(
        "src/grant/probe.ts",
        'import { App } from "cdktf";\nexport const m = await import("constructs");\nconsole.log(App);',
      ),
    ).toEqual(["1:no-restricted-imports", "2:no-restricted-syntax"]);
    // Nor CDK Terrain, the fork: statically, below its root, dynamically or as a type.
    expect(
      await importProblems(
        "src/grant/probe.ts",
        'import { App } from "cdktn";\nimport { x } from "cdktn/lib/app.js";\nexport const m = await import("cdktn");\nexport type S = import("cdktn").TerraformStack;\nconsole.log(App, x);',
      ),
    ).toEqual(ALL_FOUR);
    // Nor loaded by a call, as an optional package is (constructs/cdk-library.ts loads cdktn so).
    expect(
      await importProblems(
        "src/grant/probe.ts",
        'import { createRequire } from "node:module";\nexport const a = createRequire(import.meta.url)("cdktn");\nexport const b = createRequire(import.meta.url).resolve("cdktf/lib/app.js");\nexport const c = String("cdktf app");',
      ),
    ).toEqual(["2:no-restricted-syntax", "3:no-restricted-syntax"]);
  });

  it("names every room of src/ once, as README's Layout picture does, highest layer first", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const picture = /<!-- room-layers: highest first -->\s*```\n([\s\S]*?)```\s*<!-- \/room-layers -->/.exec(
      readme,
    );
    expect(picture, "README's room-layers picture").not.toBeNull();
    const readmeLayers = picture![1]!
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/));
    expect(readmeLayers).toEqual([...layers].reverse());
    const rooms = readFileSync(join(root, "README.md"), "utf8")
      .match(/^src\/([a-z]+)\/ /gm)!
      .map((line) => line.slice(4, -2));
    expect([...rooms].sort()).toEqual(layers.flat().sort());
  });
});
