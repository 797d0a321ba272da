import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLedger, verifyLedger } from "../../src/audit/ledger/index.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// Issue 13 item 8 and the flags' names: bad input found on the way is exit 2 in one line that
// names the flag or the file, before any work; runs in one checkout never share files at once.
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-hardening-"));
const project = makeProject();
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(project.dir, { recursive: true, force: true });
});
const expires = formatTimestamp(Math.floor(Date.now() / 1000) + 4 * 3_600);
const file = (name: string, content: string) => {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
};

/** A billion-laughs document: nine aliases of nine aliases, seven levels deep. */
const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ..."bcdefg".split("").map((name, index) => {
    const previous = "abcdefg"[index];
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(",")}]`;
  }),
  "",
].join("\n");

function expectUsage(result: { exitCode: number; stdout: string; stderr: string }, message: string | RegExp) {
  expect(result.exitCode, result.stderr).toBe(2);
  const lines = result.stderr.trim().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

describe("every option is checked before any work, naming the flag", () => {
  it("apply --lock-timeout abc: exit 2 before the synthesis, no failure event", async () => {
    project.writeGrants([{ id: "alice", expiresAt: expires }]);
    const ledger = join(scratch, "lock-timeout-ledger.jsonl");
    const result = await runCli([
      "apply",
      "--chdir",
      project.dir,
      "--lock-timeout",
      "abc",
      "--ledger",
      ledger,
    ]);
    expectUsage(result, /^tempgrant: --lock-timeout "abc" is not a lock timeout/);
    expect(existsSync(join(project.dir, "cdktf.out"))).toBe(false);
    expect(existsSync(ledger)).toBe(false);
  });

  it.each([
    [
      ["sweep", "--chdir", project.dir, "--now", "tomorrow"],
      /^tempgrant: --now: "tomorrow" is not an RFC 3339 timestamp/,
    ],
    [
      ["plan", "--chdir", project.dir, "--engine", "pulumi"],
      /^tempgrant: unknown engine "pulumi" \(from --engine\)/,
    ],
    [["plan", "--chdir", "/no/such/project"], /^tempgrant: --chdir "\/no\/such\/project": no such folder$/],
    [
      ["apply", "--chdir", project.dir, "--config", "/no/such/tempgrant.yaml"],
      /^tempgrant: --config \/no\/such\/tempgrant.yaml: no such file$/,
    ],
    [["grants", "--at", "bad"], /^tempgrant: --at: "bad" is not an RFC 3339 timestamp/],
    [["grants", "--now", "bad"], /^tempgrant: --now: "bad" is not an RFC 3339 timestamp/],
    [
      ["grants", "--margin", "x".repeat(200)],
      new RegExp(`^tempgrant: --margin "${"x".repeat(40)}…" is not a duration`),
    ],
  ])("%j", async (args, message) => {
    expectUsage(await runCli(args), message);
  });

  it("audit export --out into a missing folder: exit 2 with the path, nothing written", async () => {
    const ledger = join(scratch, "export-ledger.jsonl");
    writeFileSync(ledger, "");
    const out = join(scratch, "missing", "pack.tar.gz");
    const result = await runCli(["audit", "export", "--ledger", ledger, "--out", out]);
    expectUsage(result, `tempgrant: --out ${out}: the folder ${join(scratch, "missing")} does not exist`);
    const report = await runCli(["audit", "report", "--ledger", ledger, "--out", out]);
    expectUsage(report, `tempgrant: --out ${out}: the folder ${join(scratch, "missing")} does not exist`);
  });
});

describe("a YAML alias bomb", () => {
  it("in a grants file: exit 2 naming the file", async () => {
    const bomb = file("bomb.yaml", `grants: []\n${BOMB}`);
    expectUsage(await runCli(["grants", bomb]), `tempgrant: ${bomb}:1: more than 100 YAML alias expansions`);
  });

  it("in tempgrant.yaml: exit 2 naming the file", async () => {
    const config = file("tempgrant.yaml", BOMB);
    const plan = file("plan.json", JSON.stringify({ format_version: "1.2", planned_values: {} }));
    expectUsage(
      await runCli(["check", plan, "--config", config]),
      `tempgrant: ${config}: more than 100 YAML alias expansions`,
    );
  });
});

describe("runs in one checkout", () => {
  it("wait for each other: an apply and a sweep started at once both finish, and the ledger verifies", async () => {
    project.writeGrants([{ id: "alice", expiresAt: expires }]);
    const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");
    const [apply, sweep] = await Promise.all([
      runCli(["apply", "--chdir", project.dir, "--lock-timeout", "5m"]),
      runCli(["sweep", "--chdir", project.dir, "--lock-timeout", "5m"]),
    ]);
    expect([apply.exitCode, apply.stderr]).toEqual([0, expect.not.stringContaining("internal error")]);
    expect([0, 4], sweep.stderr).toContain(sweep.exitCode);
    expect((await verifyLedger(ledger)).valid).toBe(true);
    expect((await readLedger(ledger)).map((entry) => entry.event.type).sort()).toContain("apply");
  });

  it("a run that cannot get the project's lock in time fails naming the holder, and does nothing", async () => {
    const lock = join(project.dir, ".tempgrant", "run.lock");
    mkdirSync(lock, { recursive: true });
    const owner = { pid: process.pid, host: hostname(), command: "apply", startedAt: "2026-12-02T05:00:00Z" };
    writeFileSync(join(lock, "owner.json"), JSON.stringify(owner));
    try {
      const result = await runCli(["plan", "--chdir", project.dir, "--lock-timeout", "1s"]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr.trim()).toBe(
        `tempgrant: plan: another tempgrant apply (pid ${process.pid} on ${hostname()}, since 2026-12-02T05:00:00Z) ` +
          `is running in ${project.dir} and still holds ${lock} after 1s: run this again when it is done, or raise --lock-timeout`,
      );
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  });

  it("a lock left by a run that was killed is taken over at once", async () => {
    const lock = join(project.dir, ".tempgrant", "run.lock");
    mkdirSync(lock, { recursive: true });
    // A process id that cannot run: above Linux's largest pid_max (2^22).
    const owner = {
      pid: 4_194_304 + 7,
      host: hostname(),
      command: "sweep",
      startedAt: "2026-12-02T05:00:00Z",
    };
    writeFileSync(join(lock, "owner.json"), JSON.stringify(owner));
    const result = await runCli(["plan", "--chdir", project.dir, "--lock-timeout", "1s"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });
});
