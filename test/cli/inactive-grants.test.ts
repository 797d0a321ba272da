import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { runCli } from "../support/cli.js";
import { approveDeclaredGrants, EVIDENCE_CONFIG } from "../support/approve-grants.js";
import { makeProject } from "../support/cdktf-project.js";

// Issue 17 item 4: a declared grant outside its window synthesizes nothing, so it is in no
// plan; plan, apply and check say so (a warning per grant, with its window) instead of a
// silent PASS, and `grants` shows a grant within the revocation margin as the sweep treats it.
const project = makeProject();
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
const now = Math.floor(Date.now() / 1000);
const hour = 3_600;
const grant = (id: string, window: string) =>
  [
    `  - id: ${id}`,
    `    principal: ${id}@example.com`,
    "    target: ledger-db",
    "    access: read",
    window,
    "    reason: reconcile the January ledger",
    "    ticket: FIN-12",
    `    requestedBy: ${id}@example.com`,
    "    approvedBy: [bob@example.com]",
  ].join("\n");
mkdirSync(join(project.dir, "grants"));
writeFileSync(
  join(project.dir, "grants", "team.yaml"),
  [
    "grants:",
    grant("alice", `    expiresAt: ${formatTimestamp(now + 3 * hour)}`),
    grant("old", `    expiresAt: ${formatTimestamp(now - 26 * hour)}`),
    grant(
      "later",
      `    startsAt: ${formatTimestamp(now + 49 * hour)}\n    expiresAt: ${formatTimestamp(now + 53 * hour)}`,
    ),
    "",
  ].join("\n"),
);
// Every grant approved with real signatures (evidence), so only the window decides.
approveDeclaredGrants(project.dir);
const NOW = formatTimestamp(now);
interface Warning {
  rule: string;
  grant: string;
  message: string;
}

const laterWindow = `window from ${formatTimestamp(now + 49 * hour)} until ${formatTimestamp(now + 53 * hour)}`;
const oldWindow = `window until ${formatTimestamp(now - 26 * hour)}`;
const expected = [
  [
    "declared/not-started",
    "later",
    `grant later is not planned: it starts in 2d1h (${laterWindow}; grants/team.yaml:20)`,
  ],
  [
    "declared/expired",
    "old",
    `grant old is not planned: it expired 1d2h ago (${oldWindow}; grants/team.yaml:11); remove it or declare a new grant`,
  ],
];

describe("grants outside their window", () => {
  it("plan warns about each, with its window, and still passes; text says WARN", async () => {
    const result = await runCli(["plan", "--chdir", project.dir, "--now", NOW, "--format", "json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { passed: boolean; grants: number; warn: Warning[] };
    expect(report).toMatchObject({ passed: true, grants: 1 });
    expect(report.warn.map(({ rule, grant, message }) => [rule, grant, message])).toEqual(expected);
    const text = await runCli(["plan", "--chdir", project.dir, "--now", NOW]);
    expect(text.stdout).toContain(`grant old\n  WARN declared/expired\n       ${expected[1]?.[2]}`);
    expect(text.stdout).toMatch(/^PASS .* 0 denied, 2 warning\(s\)$/m);
  });

  it("check of the stack's saved plan (--chdir the stack) warns the same; SARIF and GitHub carry them", async () => {
    const stack = join(project.dir, "cdktf.out", "stacks", "ledger");
    const plan = join(stack, "tempgrant.tfplan");
    const evidence = [
      "--config",
      join(project.dir, "tempgrant.yaml"),
      "--signatures",
      join(project.dir, "approvals"),
    ];
    const sarif = await runCli([
      "check",
      plan,
      "--chdir",
      stack,
      "--now",
      NOW,
      ...evidence,
      "--format",
      "sarif",
    ]);
    expect(sarif.exitCode, sarif.stderr).toBe(0);
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] })
      .runs[0]?.results;
    expect(results?.map(({ ruleId, level }) => [ruleId, level])).toEqual([
      ["declared/not-started", "warning"],
      ["declared/expired", "warning"],
    ]);
    const github = await runCli([
      "check",
      plan,
      "--chdir",
      stack,
      "--now",
      NOW,
      ...evidence,
      "--format",
      "github",
    ]);
    expect(github.stdout).toContain(`title=declared/expired (grant old)::${expected[1]?.[2]}`);
  });

  it("apply prints them too, and applies the active grant", async () => {
    const result = await runCli(["apply", "--chdir", project.dir, "--now", NOW, "--format", "json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { warn: Warning[] };
    expect(report.warn.map(({ rule, grant }) => [rule, grant])).toEqual(
      expected.map(([rule, id]) => [rule, id]),
    );
  });

  it("grants honours the project's revocationMargin: a grant within it is listed as the sweep treats it", async () => {
    writeFileSync(join(project.dir, "tempgrant.yaml"), `${EVIDENCE_CONFIG}revocationMargin: 4h\n`);
    try {
      const result = await runCli(["grants", "--chdir", project.dir, "--now", NOW, "--format", "json"]);
      expect(result.exitCode, result.stderr).toBe(0);
      const listed = (
        JSON.parse(result.stdout) as { grants: { id: string; status: string; withinMargin: boolean }[] }
      ).grants;
      expect(listed.map(({ id, status, withinMargin }) => [id, status, withinMargin])).toEqual([
        ["old", "expired", false],
        ["alice", "expired", true],
        ["later", "pending", false],
      ]);
    } finally {
      rmSync(join(project.dir, "tempgrant.yaml"));
    }
  });
});
