import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSignatureFolder, readSignatureFolderAhead } from "./signature-folder.js";

const scratch = mkdtempSync(join(tmpdir(), "tempgrant-signature-folder-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a folder of signed approvals read by a helper thread", () => {
  it("gives what reading it on this thread gives, oversized and stray files included", async () => {
    const folder = join(scratch, "approvals");
    for (const grant of ["g-1", "g-2", "g-empty"]) mkdirSync(join(folder, grant), { recursive: true });
    writeFileSync(join(folder, "g-1", "alice@example.com.sig"), "-----BEGIN SSH SIGNATURE-----\nx\n");
    writeFileSync(join(folder, "g-1", "notes.txt"), "not a signature");
    writeFileSync(join(folder, "g-2", "bob@example.com.sig"), "x".repeat(70 * 1024));
    writeFileSync(join(folder, "stray.sig"), "outside any grant");
    const ahead = await readSignatureFolderAhead(folder);
    expect(ahead).toEqual(readSignatureFolder(folder, true));
    expect([...ahead.keys()].sort()).toEqual(["g-1", "g-2"]);
    expect(ahead.get("g-2")?.[0]?.signature).toBe("");
  });

  it("rejects when the folder cannot be read, so the caller reads it and says why", async () => {
    await expect(readSignatureFolderAhead(join(scratch, "missing"))).rejects.toThrow(/no such folder/);
  });
});
