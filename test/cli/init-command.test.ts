import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/exec/run-command.js";
import { TEMPLATE_FILES } from "../../src/scaffold/template-files.js";
import { readToolchainManifest } from "../../src/toolchain/manifest.js";
import { runCli } from "../support/cli.js";

// `tempgrant init` from source: what it writes, what it refuses, and that what it writes
// is valid (the YAML grants list as active, the example Rego builds and its tests pass).
// The installed package and a real plan and apply of the new repo are in test/package/.
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-init-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const NOW = "2027-01-11T09:00:00Z";
const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
const TARBALL = `vendor/tempgrant-${VERSION}.tgz`;

interface Listing {
  grants: { id: string; status: string }[];
}

describe("tempgrant init", () => {
  const repo = join(scratch, "grants-repo");

  it("writes every file into a new folder, with itself packed into vendor/, and says which", async () => {
    const result = await runCli(["init", repo, "--now", NOW]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^\[init\] packing tempgrant from the checkout .*\n$/);
    for (const file of TEMPLATE_FILES) {
      expect(existsSync(join(repo, file.path)), file.path).toBe(true);
      expect(result.stdout).toContain(`wrote ${join(repo, file.path)}\n`);
    }
    expect(result.stdout).toContain(`wrote ${join(repo, TARBALL)}\n`);
    expect(result.stdout).toContain(`tempgrant comes from ${TARBALL} (packed from `);
    const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies.tempgrant).toBe(`file:${TARBALL}`);
  });

  it("the new repo installs as init says (npm install), and its tempgrant runs", async () => {
    // The environment of a shell, not of the npm that may have started vitest.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    const installed = await runCommand({
      program: "npm",
      args: ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
      cwd: repo,
      env,
      timeoutMs: 600_000,
    });
    expect(installed.exitCode, installed.stderr).toBe(0);
    const help = await runCommand({ program: "npx", args: ["tempgrant", "--help"], cwd: repo, env });
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tempgrant /);
    const version = await runCommand({ program: "npx", args: ["tempgrant", "--version"], cwd: repo, env });
    expect(version.stdout.trim()).toBe(VERSION);
  });

  it("refuses to overwrite: exit 2, one line naming the first file, nothing changed", async () => {
    writeFileSync(join(repo, "README.md"), "my own readme\n");
    const result = await runCli(["init", repo, "--now", NOW]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      // Every template, and the tarball.
      `tempgrant: ${join(repo, "README.md")} already exists (and ${TEMPLATE_FILES.length} more): ` +
        "nothing written; pass --force to overwrite",
    ]);
    expect(readFileSync(join(repo, "README.md"), "utf8")).toBe("my own readme\n");
  });

  it("overwrites with --force", async () => {
    const result = await runCli(["init", repo, "--now", NOW, "--force", "--tempgrant-spec", "^0.1.0"]);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(repo, "README.md"), "utf8")).toContain("Made with `tempgrant init` on " + NOW);
  });

  it("writes the CI workflows asked for", async () => {
    const github = join(scratch, "github-only");
    expect((await runCli(["init", github, "--ci", "github", "--tempgrant-spec", "^0.1.0"])).exitCode).toBe(0);
    expect(existsSync(join(github, ".github", "workflows", "tempgrant-sweep.yml"))).toBe(true);
    expect(existsSync(join(github, ".gitlab-ci.yml"))).toBe(false);
    const none = join(scratch, "no-ci");
    expect((await runCli(["init", none, "--ci", "none", "--tempgrant-spec", "^0.1.0"])).exitCode).toBe(0);
    expect(existsSync(join(none, ".github"))).toBe(false);
    expect(existsSync(join(none, ".gitlab-ci.yml"))).toBe(false);
    const bad = await runCli(["init", join(scratch, "bad"), "--ci", "jenkins"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("Allowed choices are github, gitlab, both, none");
    expect(existsSync(join(scratch, "bad"))).toBe(false);
  });

  it("refuses a file as the folder, and a bad --now", async () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "");
    expect((await runCli(["init", file])).exitCode).toBe(2);
    const late = await runCli(["init", join(scratch, "bad-now"), "--now", "2027-01-11 09:00"]);
    expect(late.exitCode).toBe(2);
    expect(existsSync(join(scratch, "bad-now"))).toBe(false);
    const empty = await runCli(["init", join(scratch, "empty-spec"), "--tempgrant-spec", " "]);
    expect([empty.exitCode, empty.stderr.trim()]).toEqual([
      2,
      "tempgrant: --tempgrant-spec: give a version range or a tarball's path",
    ]);
    expect(existsSync(join(scratch, "empty-spec"))).toBe(false);
  });

  it("example grants are active from init's clock for 8 hours, then expired", async () => {
    const at = async (instant: string) => {
      const result = await runCli([
        "grants",
        "--dir",
        join(repo, "grants"),
        "--at",
        instant,
        "--format",
        "json",
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as Listing).grants.map((grant) => `${grant.id} ${grant.status}`);
    };
    expect(await at(NOW)).toEqual(["carol-example-write active"]);
    expect(await at("2027-01-11T16:59:59Z")).toEqual(["carol-example-write active"]);
    expect(await at("2027-01-11T17:00:00Z")).toEqual(["carol-example-write expired"]);
  });

  it("the example rule builds into a bundle with the shipped pack, and its tests pass", async () => {
    const opa = readToolchainManifest()?.opa;
    expect(opa, "the toolchain bootstrap (global setup) provides opa").toBeDefined();
    const out = join(scratch, "bundle", "policy.wasm");
    const built = await runCli(["policy", "build", join(repo, "policies"), "--out", out, "--opa", opa ?? ""]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const shipped = fileURLToPath(new URL("../../policies", import.meta.url));
    const tested = await runCommand({
      program: opa ?? "opa",
      args: ["test", shipped, join(repo, "policies"), "--run", "admin_two_approvers", "-v"],
    });
    expect(tested.exitCode, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/PASS: 4\/4/);
  });
});
