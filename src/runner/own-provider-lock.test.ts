import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dropOwnProviderLock } from "./own-provider-lock.js";

const lockFile = (dir: string) => join(dir, ".terraform.lock.hcl");
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("dropOwnProviderLock", () => {
  it("drops tempgrant's entry, for either registry host, and keeps every other provider's", () => {
    dir = mkdtempSync(join(tmpdir(), "tempgrant-lock-"));
    const other = [
      'provider "registry.opentofu.org/hashicorp/aws" {',
      '  version = "5.0.0"',
      "  hashes = [",
      '    "h1:aws=",',
      "  ]",
      "}",
      "",
    ].join("\n");
    const own = (host: string) =>
      [
        `provider "${host}/tempgrant/tempgrant" {`,
        '  version     = "0.1.0"',
        '  constraints = "0.1.0"',
        "  hashes = [",
        '    "h1:old=",',
        "  ]",
        "}",
        "",
      ].join("\n");
    const header = '# This file is maintained automatically by "tofu init".\n\n';
    writeFileSync(
      lockFile(dir),
      `${header}${own("registry.opentofu.org")}\n${other}\n${own("registry.terraform.io")}`,
    );
    dropOwnProviderLock(dir);
    expect(readFileSync(lockFile(dir), "utf8")).toBe(`${header}${other}\n`);
  });

  it("does nothing without a lock file", () => {
    dir = mkdtempSync(join(tmpdir(), "tempgrant-lock-"));
    expect(() => dropOwnProviderLock(dir)).not.toThrow();
  });
});
