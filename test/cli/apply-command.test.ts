import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GENESIS_PREV, readLedger, verifyLedger } from "../../src/audit/ledger/index.js";
import { GRANT_RECORD_MARKER } from "../../src/grant/record.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveEngine, stateIdentity } from "../../src/runner/index.js";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// `tempgrant apply`: the merge-time path with real tofu: it applies exactly the checked
// plans, and nothing at all when a check denies.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const expiresAt = Math.floor(Date.now() / 1000) + 4 * 3_600;
const expires = formatTimestamp(expiresAt);
const workspace = () => ({
  engine: resolveEngine(),
  workingDir: join(project.dir, "cdktf.out", "stacks", "ledger"),
  lockTimeout: "30s",
});

describe("tempgrant apply", () => {
  it("applies nothing when a check denies", async () => {
    project.writeGrants([{ id: "alice", expiresAt: expires, approvedBy: "alice@example.com" }]);
    const result = await runCli(["apply", "--chdir", project.dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("[apply] policy denials: nothing applied");
    expect((await stateIdentity(workspace())).serial).toBeNull();
  });

  it("applies the checked plan when every check passes, and records it", async () => {
    project.writeGrants([{ id: "alice", expiresAt: expires }]);
    const result = await runCli(["apply", "--chdir", project.dir, "--format", "json"]);
    expect(result.exitCode).toBe(0);
    expect((JSON.parse(result.stdout) as { passed: boolean }).passed).toBe(true);
    expect((await stateIdentity(workspace())).serial).toBeGreaterThan(0);
    const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");
    const [entry, ...rest] = await readLedger(ledger);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      seq: 1,
      prev: GENESIS_PREV,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(entry?.event).toMatchObject({
      type: "apply",
      stack: "ledger",
      stateSerialBefore: null,
      planSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      grants: [
        {
          action: "create",
          record: {
            tempgrant: GRANT_RECORD_MARKER,
            id: "alice",
            expiresAt: expires,
            resources: ["terraform_data.grant_alice_access"],
          },
        },
      ],
    });
    expect((await verifyLedger(ledger)).valid).toBe(true);
  });

  it("records the grant a later apply deletes (it expired), chained onto the first apply", async () => {
    const result = await runCli(["apply", "--chdir", project.dir, "--now", formatTimestamp(expiresAt + 60)]);
    expect(result.exitCode).toBe(0);
    const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");
    const entries = await readLedger(ledger);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2]);
    expect(entries[1]?.prev).toBe(entries[0]?.hash);
    expect(entries[1]?.event).toMatchObject({
      type: "apply",
      grants: [
        { action: "delete", record: { tempgrant: GRANT_RECORD_MARKER, id: "alice", expiresAt: expires } },
      ],
    });
    expect((await verifyLedger(ledger)).valid).toBe(true);
  });
});
