import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeDirectory } from "./make-directory.js";

const root = mkdtempSync(join(tmpdir(), "tempgrant-mkdir-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("makeDirectory", () => {
  it("creates missing parents and accepts a folder that exists", () => {
    const path = join(root, "a", "b", "c");
    makeDirectory(path);
    makeDirectory(path);
    expect(existsSync(path)).toBe(true);
  });

  it("fails with a message, and does not spin, where mkdir cannot create", () => {
    writeFileSync(join(root, "file"), "");
    expect(() => makeDirectory(join(root, "file", "sub"))).toThrow(
      /cannot create the folder .*file.sub \(ENOTDIR\)/,
    );
    // Node's recursive mkdir loops forever here; this must return at once.
    expect(() => makeDirectory("/proc/tempgrant-no-such/dir")).toThrow(
      /cannot create the folder \/proc\/tempgrant-no-such \(ENOENT\)/,
    );
  });
});
