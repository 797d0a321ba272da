import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

// The GitLab template's merge-request check reads who may approve (tempgrant.yaml,
// allowed_signers) from the target branch, not from the merge request. This runs the
// template's own git lines in a real clone of a real repository whose merge request adds a
// key of its own, and proves the check would read the target branch's files.
const TEMPLATE = fileURLToPath(new URL("../../templates/ci/gitlab/tempgrant.gitlab-ci.yml", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-gitlab-base-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** The check job's script lines that run before tempgrant: they prepare the target branch's worktree. */
function baseLines(): string[] {
  const pipeline = parseYaml(readFileSync(TEMPLATE, "utf8")) as Record<string, { script?: string[] }>;
  const script = pipeline["tempgrant-check"]?.script ?? [];
  const plan = script.findIndex((line) => line.startsWith("npx tempgrant plan"));
  expect(plan).toBeGreaterThan(0);
  return script.slice(0, plan);
}

describe("GitLab template: the merge-request check trusts the target branch", () => {
  it("a merge request that adds its own key still gets the target branch's allowed_signers", () => {
    const origin = join(scratch, "origin.git");
    const seed = join(scratch, "seed");
    git(scratch, "init", "--bare", "--initial-branch=main", origin);
    git(scratch, "init", "--initial-branch=main", seed);
    writeFileSync(join(seed, "tempgrant.yaml"), "approvals:\n  allowedSigners: allowed_signers\n");
    writeFileSync(join(seed, "allowed_signers"), "bob@example.com ssh-ed25519 AAAAbob\n");
    git(seed, "add", ".");
    git(seed, "commit", "-m", "base");
    git(seed, "push", origin, "main");

    // The merge request's checkout, as the runner makes it: its own branch, a key added.
    const checkout = join(scratch, "checkout");
    git(scratch, "clone", "--quiet", origin, checkout);
    git(checkout, "checkout", "-b", "add-my-key");
    writeFileSync(
      join(checkout, "allowed_signers"),
      "bob@example.com ssh-ed25519 AAAAbob\nmallory@example.com ssh-ed25519 AAAAmallory\n",
    );
    git(checkout, "commit", "-am", "approve myself");

    // Twice: a retried job finds the worktree of the first attempt.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const run = spawnSync("bash", ["-euo", "pipefail", "-c", baseLines().join("\n")], {
        cwd: checkout,
        encoding: "utf8",
        env: { ...process.env, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main" },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(join(checkout, ".tempgrant/base/allowed_signers"), "utf8")).toBe(
        "bob@example.com ssh-ed25519 AAAAbob\n",
      );
    }
    // The merge request's own files are untouched.
    expect(readFileSync(join(checkout, "allowed_signers"), "utf8")).toContain("mallory");
  });
});
