import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../src/exec/run-command.js";

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
    for (const step of [
      "DENY approvals/no-self-approval",
      "login accepted as tg_alice_orders_read",
      "second session open: select count(*) from orders = 2",
      "revoked 1 grant(s) (alice-orders-read), verified",
      "the open session's next query: query failed",
      'login refused for tg_alice_orders_read: password authentication failed for user "tg_alice_orders_read"',
      "role tg_alice_orders_read does not exist",
      "chain intact",
    ]) {
      expect(result.stdout).toContain(step);
    }
    const report = /The audit report: (\S+)/.exec(result.stdout)?.[1];
    expect(report && existsSync(report)).toBe(true);
    expect(readFileSync(report!, "utf8")).toContain('data-window-id="alice-orders-read"');
  }, 300_000);
});
