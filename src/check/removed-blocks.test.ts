import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removedBlocksOf } from "./removed-blocks.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A stack folder holding `files` (relative path -> content). */
function stack(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-removed-"));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const hook = { "local-exec": { when: "destroy", command: "false" } };

describe("removed blocks with provisioners, read from a stack's folder", () => {
  it("reads a block or a list of them, and a from written with blanks as tofu reads it", () => {
    const dir = stack({
      "cdk.tf.json": JSON.stringify({
        removed: [
          { from: " terraform_data .victim\n", provisioner: [hook] },
          { from: "module.m", provisioner: hook },
          { from: "terraform_data.quiet" },
        ],
      }),
    });
    expect(removedBlocksOf(dir)).toEqual([
      { from: "terraform_data.victim", provisioners: ["local-exec"] },
      { from: "module.m", provisioners: ["local-exec"] },
    ]);
  });

  it("reads every configuration file of the folder; a module's own file, HCL or an odd from may name anything", () => {
    const dir = stack({
      "cdk.tf.json": "{}",
      "extra.tf.json": JSON.stringify({ removed: { from: "terraform_data.a", provisioner: [hook] } }),
      "m/main.tf.json": JSON.stringify({ removed: [{ from: "terraform_data.b", provisioner: [hook] }] }),
      "n/main.tf":
        'removed {\n  from = terraform_data.c\n  provisioner "local-exec" {\n    when = destroy\n  }\n}\n',
      "odd.tf.json": JSON.stringify({ removed: [{ from: 'terraform_data.d["k"]', provisioner: [hook] }] }),
      ".terraform/providers/x/terraform-provider-x.tf": 'removed { provisioner "local-exec" {} }',
      "providers/main.tf.json": JSON.stringify({
        removed: [{ from: "terraform_data.e", provisioner: [hook] }],
      }),
    });
    expect(
      removedBlocksOf(dir).sort((a, b) =>
        `${a.from}${a.provisioners}`.localeCompare(`${b.from}${b.provisioners}`),
      ),
    ).toEqual([
      { from: "*", provisioners: ["local-exec"] },
      { from: "*", provisioners: ["local-exec"] },
      { from: "*", provisioners: ["local-exec"] },
      { from: "*", provisioners: ["unread"] },
      { from: "terraform_data.a", provisioners: ["local-exec"] },
    ]);
  });

  it("refuses a file that JSON.parse and tofu would read differently (a repeated key), naming it", () => {
    const removed = JSON.stringify([{ from: "terraform_data.a", provisioner: [hook] }]);
    const dir = stack({ "cdk.tf.json": `{"removed": ${removed}, "removed": []}` });
    expect(() => removedBlocksOf(dir)).toThrow(
      /cdk\.tf\.json: is not configuration JSON: duplicate key "removed" at line 1, column \d+$/,
    );
  });

  it("reads nothing away from a stack's folder", () => {
    expect(
      removedBlocksOf(
        stack({ "notes/main.tf.json": JSON.stringify({ removed: { from: "x.y", provisioner: hook } }) }),
      ),
    ).toEqual([]);
    expect(removedBlocksOf(join(tmpdir(), "tempgrant-no-such-folder"))).toEqual([]);
  });
});
