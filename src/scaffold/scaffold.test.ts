import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseTimestamp } from "../grant/time.js";
import { renderTemplate } from "./render-template.js";
import {
  dependencySpec,
  EXAMPLE_GRANT_SECONDS,
  packageNameFor,
  scaffoldFiles,
  writeScaffold,
} from "./scaffold.js";

const NOW = 1_800_000_000; // 2027-01-15T08:00:00Z
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-scaffold-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("renderTemplate", () => {
  it("fills upper-case placeholders, escaped as in a JSON string, and leaves ${{ github }} alone", () => {
    expect(renderTemplate('a "{{NAME}}" ${{ github.ref }}', { NAME: 'x"y' }, "t")).toBe(
      'a "x\\"y" ${{ github.ref }}',
    );
  });

  it("refuses a placeholder it has no value for", () => {
    expect(() => renderTemplate("{{MISSING}}", {}, "repo/x")).toThrow(
      "template repo/x: no value for {{MISSING}}",
    );
  });
});

describe("scaffoldFiles", () => {
  const files = scaffoldFiles({ name: "acme-grants", tempgrantSpec: "^9.9.9", now: NOW, ci: "both" });
  const byPath = new Map(files.map((file) => [file.path, file.contents]));

  it("leaves no placeholder in any file", () => {
    for (const file of files) {
      expect(file.contents, file.path).not.toMatch(/\{\{[A-Z][A-Z0-9_]*\}\}/);
    }
  });

  it("windows the example grants from init's clock: active now, expired 8 hours later", () => {
    const expires = (/expiresAt: "([^"]+)"/.exec(byPath.get("grants/example.yaml") ?? "") ?? [])[1] ?? "";
    const parsed = parseTimestamp(expires);
    expect(parsed.ok && parsed.instant.seconds).toBe(NOW + EXAMPLE_GRANT_SECONDS);
    expect(byPath.get("stacks/main.ts")).toContain('startsAt: "2027-01-15T08:00:00Z"');
    expect(byPath.get("stacks/main.ts")).toContain('expiresAt: "2027-01-15T16:00:00Z"');
  });

  it("depends on tempgrant as asked, and on the cdktf this release was built with", () => {
    const manifest = JSON.parse(byPath.get("package.json") ?? "{}") as {
      name: string;
      dependencies: Record<string, string>;
    };
    const ours = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.name).toBe("acme-grants");
    expect(manifest.dependencies).toEqual({
      cdktf: ours.dependencies.cdktf,
      constructs: ours.dependencies.constructs,
      tempgrant: "^9.9.9",
    });
  });

  it("writes the workflows of the CI systems chosen", () => {
    const paths = (ci: "github" | "gitlab" | "none") =>
      scaffoldFiles({ name: "x", tempgrantSpec: "^1.0.0", now: NOW, ci })
        .map((file) => file.path)
        .filter((path) => path.startsWith(".github/") || path === ".gitlab-ci.yml");
    expect(paths("github")).toEqual([
      ".github/workflows/tempgrant-check.yml",
      ".github/workflows/tempgrant-sweep.yml",
      ".github/workflows/tempgrant-apply.yml",
    ]);
    expect(paths("gitlab")).toEqual([".gitlab-ci.yml"]);
    expect(paths("none")).toEqual([]);
  });
});

describe("writeScaffold", () => {
  it("writes nothing when a file exists, naming the first, unless forced", () => {
    const dir = join(scratch, "repo");
    const files = [
      { path: "a.txt", contents: "new a" },
      { path: "sub/b.txt", contents: "new b" },
    ];
    expect(writeScaffold(dir, files, { force: false })).toEqual([join(dir, "a.txt"), join(dir, "sub/b.txt")]);
    writeFileSync(join(dir, "a.txt"), "mine");
    expect(() => writeScaffold(dir, files, { force: false })).toThrow(
      `${join(dir, "a.txt")} already exists (and 1 more): nothing written; pass --force to overwrite`,
    );
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("mine");
    writeScaffold(dir, files, { force: true });
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("new a");
  });
});

describe("names and specs", () => {
  it("derives a valid npm name from the folder", () => {
    expect(packageNameFor("/tmp/My Grants!")).toBe("my-grants");
    expect(packageNameFor("/tmp/_x")).toBe("x");
  });

  it("makes a local tarball or folder an absolute file: spec; leaves ranges alone", () => {
    expect(dependencySpec("../tempgrant-0.1.0.tgz", "/w/repo")).toBe("file:/w/tempgrant-0.1.0.tgz");
    expect(dependencySpec("file:./t", "/w")).toBe("file:/w/t");
    expect(dependencySpec("tempgrant-0.1.0.tgz", "/w")).toBe("file:/w/tempgrant-0.1.0.tgz");
    expect(dependencySpec("~0.1.0", "/w")).toBe("~0.1.0");
  });
});
