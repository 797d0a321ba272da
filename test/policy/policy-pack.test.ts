import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/exec/run-command.js";
import {
  buildPolicyBundle,
  policiesDir,
  requiredHostBuiltins,
  ruleCatalog,
  SDK_BUILTINS,
} from "../../src/policy/index.js";
import { readToolchainManifest } from "../../src/toolchain/manifest.js";

// The shipped Rego pack, checked with the real pinned opa: tests, coverage, format, strict
// check, and a reproducible bundle that matches the one committed and shipped.
const opa = readToolchainManifest()?.opa ?? "opa";
const pack = policiesDir();
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-pack-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const sources = ["main.rego", "lib", "rules"];

describe("the shipped policy pack", () => {
  it("passes opa test with at least 90% coverage", async () => {
    const result = await runCommand({ program: opa, args: ["test", "--coverage", "--format", "json", pack] });
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as { coverage: number };
    expect(result.exitCode).toBe(0);
    expect(report.coverage).toBeGreaterThanOrEqual(90);
  });

  it("is opa fmt clean and passes opa check --strict", async () => {
    const fmt = await runCommand({ program: opa, args: ["fmt", "--list", pack] });
    expect([fmt.exitCode, fmt.stdout.trim()]).toEqual([0, ""]);
    const check = await runCommand({ program: opa, args: ["check", "--strict", pack] });
    expect([check.exitCode, check.stderr.trim()]).toEqual([0, ""]);
  });

  it("builds the same bytes twice, equal to the committed bundle, needing only SDK builtins", async () => {
    const options = { opa, sources, cwd: pack, capabilities: join(pack, "capabilities.json") };
    const first = await buildPolicyBundle({ ...options, out: join(scratch, "a.wasm") });
    const second = await buildPolicyBundle({ ...options, out: join(scratch, "b.wasm") });
    expect(second.sha256).toBe(first.sha256);
    expect(sha256(join(pack, "bundle", "policy.wasm"))).toBe(first.sha256);
    const needed = await requiredHostBuiltins(readFileSync(first.path));
    expect(needed.every((name) => SDK_BUILTINS.includes(name))).toBe(true);
  });

  it("refuses at build time a builtin the WASM runtime lacks", async () => {
    const custom = join(scratch, "custom");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(custom, { recursive: true });
    writeFileSync(
      join(custom, "uses_time.rego"),
      'package tempgrant.rules.custom.uses_time\n\nimport rego.v1\n\ndeny contains "late" if time.now_ns() > 0\n',
    );
    await expect(
      buildPolicyBundle({
        opa,
        sources: [...sources, custom],
        cwd: pack,
        capabilities: join(pack, "capabilities.json"),
        out: join(scratch, "c.wasm"),
      }),
    ).rejects.toThrow(/time\.now_ns/);
  });

  it("has, for every rule, METADATA with its id, a test file and a doc page", () => {
    const rules = ruleCatalog(pack);
    expect(rules.length).toBeGreaterThanOrEqual(15);
    for (const rule of rules) {
      expect([rule.id, rule.declaredId]).toEqual([rule.id, rule.id]);
      expect([rule.id, rule.title.length > 0, ["deny", "warn"].includes(rule.severity)]).toEqual([
        rule.id,
        true,
        true,
      ]);
      expect([rule.id, existsSync(rule.testFile)]).toEqual([rule.id, true]);
      const doc = join(pack, "..", "docs", "rules", rule.category, `${rule.name}.md`);
      expect([rule.id, existsSync(doc) && readFileSync(doc, "utf8").includes(rule.id)]).toEqual([
        rule.id,
        true,
      ]);
    }
  });

  it("lists in SDK_BUILTINS exactly what the JS SDK implements", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    // Not in the package's exports: load the file beside its entry point.
    const entry = require.resolve("@open-policy-agent/opa-wasm");
    const sdk = require(join(entry, "..", "builtins", "index.js")) as Record<string, unknown>;
    expect(Object.keys(sdk).sort()).toEqual([...SDK_BUILTINS].sort());
  });
});
