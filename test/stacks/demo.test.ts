import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../src/exec/run-command.js";
import { expectDemoStory } from "../support/demo-story.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// README's first command must work as written: the demo runs the whole story and fails
// when any step does not end as the story says.
describe("npm run demo", () => {
  it("tells the whole story and writes the audit report", async () => {
    const result = await runCommand({
      program: process.execPath,
      args: ["--import", "tsx", "scripts/demo.ts"],
      cwd: ROOT,
      env: { ...process.env, TEMPGRANT_NOW: "", TEMPGRANT_LEDGER: "" },
      timeoutMs: 300_000,
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = expectDemoStory(result.stdout);
    expect(report && existsSync(report)).toBe(true);
    expect(readFileSync(report!, "utf8")).toContain('data-window-id="alice-orders-read"');
  }, 300_000);
});
