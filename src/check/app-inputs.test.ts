import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../exec/run-command.js";
import { APP_INPUTS_ENV, appInputsDigest, appInputsPreloadFlags, readAppInputs } from "./app-inputs.js";

// The preload that records what an app read, run in a real node process before a real
// script: what it records, what makes a run untracked, and the digest of what it recorded.
const dir = mkdtempSync(join(tmpdir(), "tempgrant-app-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function record(script: string, env: NodeJS.ProcessEnv = {}) {
  const report = join(dir, "report.json");
  rmSync(report, { force: true });
  writeFileSync(join(dir, "app.mjs"), script);
  const result = await runCommand({
    program: process.execPath,
    args: [...appInputsPreloadFlags(), join(dir, "app.mjs")],
    cwd: dir,
    env: { ...process.env, ...env, [APP_INPUTS_ENV]: report },
  });
  expect(result.exitCode, result.stderr).toBe(0);
  return readAppInputs(report);
}

describe("what an app read", () => {
  mkdirSync(join(dir, "grants"));
  writeFileSync(join(dir, "grants", "team.yaml"), "grants: []\n");

  it("records files read, folders listed, paths looked at and variables read, through ESM and CommonJS", async () => {
    const inputs = await record(
      [
        'import { readFileSync, readdirSync, existsSync } from "node:fs";',
        'import { createRequire } from "node:module";',
        'const fs = createRequire(import.meta.url)("node:fs");',
        'readdirSync("grants");',
        'readFileSync("grants/team.yaml", "utf8");',
        'existsSync("missing.yaml");',
        'await fs.promises.stat("grants");',
        "void process.env.STAGE;",
        'void ("REGION" in process.env);',
      ].join("\n"),
    );
    expect(inputs).toBeDefined();
    // (createRequire reads the script's own file too: an input like any other.)
    expect(inputs?.files).toEqual(expect.arrayContaining([join(dir, "grants", "team.yaml")]));
    expect(inputs?.dirs).toEqual([join(dir, "grants")]);
    expect(inputs?.probes).toEqual([join(dir, "grants"), join(dir, "missing.yaml")]);
    expect(inputs?.env).toEqual(expect.arrayContaining(["STAGE", "REGION"]));
    expect([inputs?.envAll, inputs?.untracked]).toEqual([false, []]);
  });

  it("marks a run untracked when the app starts a process, opens a connection or reads the clock itself", async () => {
    const spawned = await record('import { execFileSync } from "node:child_process"; execFileSync("true");');
    expect(spawned?.untracked).toEqual(["it starts processes"]);
    const connected = await record(
      'import net from "node:net"; const s = net.connect(1, "127.0.0.1"); s.on("error", () => {});',
    );
    expect(connected?.untracked).toEqual(["it opens network connections"]);
    const clock = await record("void process.env.TEMPGRANT_NOW;", { TEMPGRANT_NOW: "2027-01-01T00:00:00Z" });
    expect(clock?.untracked).toEqual(["its own code reads TEMPGRANT_NOW"]);
    const enumerated = await record("void Object.keys(process.env);");
    expect(enumerated?.envAll).toBe(true);
  });

  it("digests what it recorded: a changed file, listing, probe or variable changes the digest; the clock does not", async () => {
    const inputs = await record(
      'import { readFileSync, readdirSync, existsSync } from "node:fs"; readdirSync("grants"); readFileSync("grants/team.yaml"); existsSync("extra"); void process.env.STAGE; void process.env.TEMPGRANT_NOW;',
    );
    expect(inputs).toBeDefined();
    const digest = (env: NodeJS.ProcessEnv = { STAGE: "prod" }) => appInputsDigest(inputs!, env);
    const first = digest();
    expect(digest({ STAGE: "prod", TEMPGRANT_NOW: "2030-01-01T00:00:00Z" })).toBe(first);
    expect(digest({ STAGE: "dev" })).not.toBe(first);
    expect(digest({})).not.toBe(first);
    writeFileSync(join(dir, "grants", "team.yaml"), "grants: [] # edited\n");
    const edited = digest();
    expect(edited).not.toBe(first);
    writeFileSync(join(dir, "grants", "other.yaml"), "grants: []\n");
    const listed = digest();
    expect(listed).not.toBe(edited);
    writeFileSync(join(dir, "extra"), "");
    expect(digest()).not.toBe(listed);
  });
});
