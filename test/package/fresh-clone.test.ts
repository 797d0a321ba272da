import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand, type CommandResult } from "../../src/exec/run-command.js";
import { expectDemoStory } from "../support/demo-story.js";

// README's two commands on a clone of this repository (its HEAD: what is committed) in an
// empty folder with nothing beside it, as a newcomer gets it: no ../shared, no node_modules,
// no build. Only the toolchain cache (~/.cache/tempgrant) is shared, as README allows.
// The demo runs in full. `npm test` is not run inside a test (it would run this test again,
// and takes minutes): the test checks that it is the command CI runs, then runs what it
// starts (pretest's install, vitest's global setup) on one fast file that needs no corpus.
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-fresh-clone-"));
const clone = join(scratch, "tempgrant");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A shell's environment: nothing from the npm or vitest that runs this test, no moved clock, no corpus. */
function newcomerEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|TEMPGRANT_(NOW|LEDGER|EXTRA_PLAN_CORPUS)$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1" };
}

const inClone = (program: string, args: string[]): Promise<CommandResult> =>
  runCommand({ program, args, cwd: clone, env: newcomerEnvironment(), timeoutMs: 900_000 });
const failure = (result: CommandResult) => `exit ${result.exitCode}\n${result.output ?? result.stderr}`;

/** README's commands under "Two commands on a fresh machine", comments dropped. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(clone, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((part) => part.startsWith("Two commands on a fresh machine"));
  const block = /```sh\n([\s\S]*?)```/.exec(section ?? "")?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter(Boolean);
}

describe("a fresh clone, alone in its folder", () => {
  it("clones HEAD into an empty folder: nothing beside it, nothing built", async () => {
    const cloned = await runCommand({ program: "git", args: ["clone", "--quiet", ROOT, clone] });
    expect(cloned.exitCode, cloned.stderr).toBe(0);
    expect(readdirSync(scratch)).toEqual(["tempgrant"]);
    for (const absent of ["node_modules", "dist", join("..", "shared")]) {
      expect(existsSync(join(clone, absent)), absent).toBe(false);
    }
    expect(readmeCommands()).toEqual(["npm run demo", "npm test"]);
  });

  it("README's first command, `npm run demo`, tells the whole story", async () => {
    const demo = await inClone("npm", ["run", "demo"]);
    expect(demo.exitCode, failure(demo)).toBe(0);
    const report = expectDemoStory(demo.stdout);
    expect(report?.startsWith(clone), report).toBe(true);
    expect(readFileSync(report ?? "", "utf8")).toContain('data-window-id="alice-orders-read"');
  }, 900_000);

  it("README's second command is what CI runs, and its setup works here on a fast file", async () => {
    const ci = readFileSync(join(clone, ".ci", "run"), "utf8").split("\n");
    expect(ci).toContain("npm test");
    const scripts = (
      JSON.parse(readFileSync(join(clone, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.test).toBe("vitest run");
    // What `npm test` runs first, then vitest (with its global setup) on our own real plans,
    // which must pass with no corpus beside the clone and say why that part is skipped.
    const pretest = await inClone("npm", ["run", "pretest"]);
    expect(pretest.exitCode, failure(pretest)).toBe(0);
    const subset = await inClone("npx", ["vitest", "run", "test/check/real-plans.test.ts"]);
    expect(subset.exitCode, failure(subset)).toBe(0);
    expect(subset.stdout).toContain("[toolchain] toolchain ready");
    expect(subset.stdout).toContain(
      "[real-plans] the other projects' corpus is skipped: TEMPGRANT_EXTRA_PLAN_CORPUS is not set",
    );
    expect(subset.stdout).toMatch(/Tests\s+7 passed \| 2 skipped/);
  }, 900_000);
});
