import { describe, expect, it } from "vitest";
import { hclString, renderCliConfig } from "./cli-config.js";

describe("CLI config", () => {
  it("installs the provider from the filesystem mirror only, with no direct block", () => {
    const text = renderCliConfig("/cache/tools/provider-mirror");
    expect(text).toContain('path    = "/cache/tools/provider-mirror"');
    expect(text).toContain('"registry.opentofu.org/tempgrant/tempgrant"');
    expect(text).toContain('"registry.terraform.io/tempgrant/tempgrant"');
    expect(text).not.toMatch(/direct\s*\{/);
  });

  it("escapes quotes and template sequences in paths", () => {
    expect(hclString('/a "b"/${c}/%{d}')).toBe('"/a \\"b\\"/$${c}/%%{d}"');
  });
});
