import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bootstrapToolchain } from "./bootstrap.js";
import { toolchainPaths } from "./paths.js";

// Selection logic only: stand-in binaries that print a version. The real builds are
// exercised by the integration tests, which run the tofu this bootstrap resolves.
let scratch: string;

function fakeTool(dir: string, name: string, output: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho '${output}'\n`);
  chmodSync(path, 0o755);
  return path;
}

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "tempgrant-bootstrap-test-"));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(scratch, { recursive: true, force: true });
});

describe("bootstrapToolchain", () => {
  it("uses binaries of the pinned version found on PATH and writes a mirror-only CLI config", async () => {
    const bin = join(scratch, "bin");
    const tofu = fakeTool(bin, "tofu", '{"terraform_version":"1.12.6"}');
    const opa = fakeTool(bin, "opa", "Version: 1.22.3");
    vi.stubEnv("PATH", bin);
    vi.stubEnv("TEMPGRANT_PROVIDER_MIRROR", join(scratch, "mirror"));
    const lines: string[] = [];
    const paths = toolchainPaths(join(scratch, "cache"));

    const toolchain = await bootstrapToolchain({ paths, onProgress: (line) => lines.push(line) });

    expect(toolchain).toMatchObject({ tofu, opa, mirrorDir: join(scratch, "mirror") });
    expect(lines).toContain(`tofu 1.12.6: found on PATH at ${tofu}`);
    expect(readFileSync(paths.cliConfigFile, "utf8")).toContain(JSON.stringify(join(scratch, "mirror")));
    expect(JSON.parse(readFileSync(paths.manifest, "utf8"))).toEqual(toolchain);
  });

  it("skips a binary of another version and, without Go, says how to install the tools", async () => {
    const bin = join(scratch, "bin");
    fakeTool(bin, "tofu", '{"terraform_version":"1.6.0"}');
    vi.stubEnv("PATH", bin);

    const attempt = bootstrapToolchain({ paths: toolchainPaths(join(scratch, "cache")) });

    await expect(attempt).rejects.toMatchObject({ code: "TOOLCHAIN_NO_GO" });
    await expect(attempt).rejects.toThrow(/install tofu and opa with your package manager/);
  });
});
