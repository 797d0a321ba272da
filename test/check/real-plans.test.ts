import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

// Plans written by other projects, in a corpus kept outside this repository and named by
// TEMPGRANT_EXTRA_PLAN_CORPUS (CI sets it when the corpus is there): every valid one is read,
// privileged resources in them are reported as unmanaged, and the invalid one exits 2.
const corpus = process.env.TEMPGRANT_EXTRA_PLAN_CORPUS ?? "";
const present = corpus !== "" && existsSync(corpus);
const files = present
  ? readdirSync(corpus, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".json"))
      .sort()
  : [];
if (!present) {
  console.log(
    "[real-plans] skipped: TEMPGRANT_EXTRA_PLAN_CORPUS does not name a folder of other projects' plans",
  );
}

interface CheckJson {
  passed: boolean;
  deny: { rule: string; address: string | null }[];
}

describe.runIf(present)("tempgrant check on real plans from other projects", () => {
  it("finds the corpus", () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(files.filter((name) => !name.endsWith("invalid.json")))("reads %s", async (name) => {
    const result = await runCli(["check", join(corpus, name), "--format", "json"]);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as CheckJson;
    expect(result.exitCode).toBe(report.passed ? 0 : 1);
    // Nothing here is a grant, so every privileged resource it creates is unmanaged.
    const privileged = /(^|\.)(aws_iam_|google_.*_iam_|aws_s3_bucket_policy)/;
    const unmanaged = report.deny
      .filter((v) => v.rule === "unmanaged/privileged-without-grant")
      .map((v) => v.address);
    expect(unmanaged.every((address) => privileged.test(address ?? ""))).toBe(true);
    if (/iam|bucket_policy/.test(name)) expect(unmanaged.length).toBeGreaterThan(0);
  });

  it("rejects the invalid one with exit 2 and one line naming the place", async () => {
    const result = await runCli(["check", join(corpus, "terraform-json", "invalid.json")]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/invalid\.json: is not valid JSON \(.* at line 676, column 29\)/);
  });
});
