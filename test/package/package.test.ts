import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { runCommand, type CommandResult } from "../../src/exec/run-command.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveEngine, showJson } from "../../src/runner/index.js";
import { EXAMPLE_GRANT_SECONDS } from "../../src/scaffold/scaffold.js";
import { TEMPLATE_FILES } from "../../src/scaffold/template-files.js";
import { findAllOnPath } from "../../src/toolchain/find-on-path.js";
import { approveListedGrants, type ListedGrant } from "../support/approve-grants.js";
import { makeProject } from "../support/cdktf-project.js";
import { githubReviews } from "../support/github-reviews.js";
import { runCli } from "../support/cli.js";
import { enableOrdersDb } from "../support/scaffold-orders-db.js";
import { variedPlan } from "../support/varied-plan.js";
import { adminQuery, providerEnvironment } from "../support/postgres.js";

// The published package, as a user gets it: `npm pack` once (prepack builds dist/), then
// 1. installed in a clean folder with no tofu, OPA or Go on PATH: --help and `check` on
//    plans made by real tofu work from the compiled bundle alone;
// 2. `tempgrant init` from that install, the new repo installed from the same tarball, and
//    its grants listed, type-checked, planned, checked, applied with the state in the
//    throwaway PostgreSQL (pg backend), swept once they expire, and its own Rego enforced.
//
// Not proven here: a grant on the scaffold's PostgreSQL target through apply. That test shows
// the target synthesizing (a tempgrant_postgresql_login_role with VALID UNTIL, depending on
// its tempgrant_grant record) and tempgrant's provider planning it against the throwaway
// PostgreSQL; it does not apply it.
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-package-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const ourVersion = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
  .version;

/**
 * The environment of a child: none of the npm_* settings of the npm that started vitest,
 * and no TEMPGRANT_NOW. `bare` also drops every other TEMPGRANT_* (toolchain cache, engine).
 */
function cleanEnvironment(extra: NodeJS.ProcessEnv = {}, bare = false): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === "TEMPGRANT_NOW" || (bare && key.startsWith("TEMPGRANT_"))) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

function run(program: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return runCommand({ program, args, cwd, env, timeoutMs: 300_000 });
}

const failure = (result: CommandResult) => `exit ${result.exitCode}\n${result.stdout}\n${result.stderr}`;

interface Packed {
  filename: string;
  size: number;
  entryCount: number;
  files: { path: string }[];
}

let tarball = "";
let packed: Packed;

beforeAll(async () => {
  const result = await run(
    "npm",
    ["pack", "--pack-destination", scratch, "--json", "--loglevel=error"],
    ROOT,
    cleanEnvironment(),
  );
  expect(result.exitCode, failure(result)).toBe(0);
  packed = (JSON.parse(result.stdout.slice(result.stdout.indexOf("["))) as Packed[])[0] as Packed;
  tarball = join(scratch, packed.filename);
  console.log(`[package] ${packed.filename}: ${packed.size} bytes, ${packed.entryCount} files`);
});

describe("the packed tarball", () => {
  it("holds the CLI, types, compiled policies and their Rego, schemas, templates and docs; no tests", () => {
    const paths = new Set(packed.files.map((file) => file.path));
    for (const path of [
      "package.json",
      "dist/cli/main.js",
      "dist/cli/evaluation-worker.mjs",
      "dist/cli/unit-check-worker.mjs",
      "dist/cli/signature-folder-worker.mjs",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/constructs/temporary-grant.d.ts",
      "policies/bundle/policy.wasm",
      "policies/main.rego",
      "policies/capabilities.json",
      "policies/rules/approvals/no-self-approval/no_self_approval.rego",
      "dist/src/grant/grants.schema.json",
      "dist/src/policy/config.schema.json",
      "docs/ci.md",
      ...TEMPLATE_FILES.map((file) => `templates/${file.template}`),
    ]) {
      expect(paths.has(path), path).toBe(true);
    }
    const unwanted = [...paths].filter((path) =>
      /\.test\.(js|d\.ts)$|^dist\/src\/testing\/|^dist\/(test|bench|scripts|stacks)\/|\.map$/.test(path),
    );
    expect(unwanted).toEqual([]);
  });

  it("points bin, main, types and exports at files it holds", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
    const targets = (value: unknown): string[] =>
      typeof value === "string" ? [value] : Object.values(value as object).flatMap(targets);
    const paths = new Set(packed.files.map((file) => file.path));
    const named = [manifest.main, manifest.types, manifest.bin, manifest.exports].flatMap(targets);
    expect(named.map((path) => path.replace(/^\.\//, "")).filter((path) => !paths.has(path))).toEqual([]);
  });
});

describe("installed in a clean folder, with no tofu, OPA or Go", () => {
  const probe = join(scratch, "probe");
  const bin = join(scratch, "bin");
  const cache = join(scratch, "empty-cache");
  // Only node and npm, plus the system's basic tools; an empty toolchain cache, so no
  // bootstrapped tofu or opa either.
  const env = () =>
    cleanEnvironment({ PATH: [bin, "/usr/bin", "/bin"].join(delimiter), TEMPGRANT_CACHE_DIR: cache }, true);
  const npx = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    run("npx", args, probe, { ...env(), ...extra });
  const plans = { pass: join(scratch, "pass.json"), deny: join(scratch, "deny.json") };
  const evidence = { pass: join(scratch, "evidence-pass"), deny: join(scratch, "evidence-deny") };
  const withEvidence = (name: keyof typeof evidence) => [
    "--config",
    join(evidence[name], "tempgrant.yaml"),
    "--signatures",
    join(evidence[name], "approvals"),
  ];

  beforeAll(async () => {
    mkdirSync(bin);
    mkdirSync(cache);
    mkdirSync(probe);
    for (const tool of ["node", "npm", "npx"]) {
      const found = findAllOnPath(tool)[0];
      if (found) symlinkSync(found, join(bin, tool));
    }
    writeFileSync(join(probe, "package.json"), JSON.stringify({ name: "probe", private: true }));
    const installed = await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball],
      probe,
      env(),
    );
    expect(installed.exitCode, failure(installed)).toBe(0);

    // Two plans made by real tofu (from source): approved by someone else, and self-approved.
    const project = makeProject();
    const expires = formatTimestamp(Math.floor(Date.now() / 1000) + 4 * 3_600);
    const workspace = {
      engine: resolveEngine(),
      workingDir: join(project.dir, "cdktf.out", "stacks", "ledger"),
      lockTimeout: "30s",
    };
    for (const [name, approvedBy] of [
      ["pass", "bob@example.com"],
      ["deny", "alice@example.com"],
    ] as const) {
      project.writeGrants([{ id: "alice", expiresAt: expires, approvedBy }]);
      const planned = await runCli(["plan", "--chdir", project.dir]);
      expect(planned.exitCode === 0 || planned.exitCode === 1, failure(planned)).toBe(true);
      const json = await showJson(workspace, join(workspace.workingDir, "tempgrant.tfplan"));
      writeFileSync(plans[name], JSON.stringify(json));
      // The approver's signature and key, which a check of the plan alone is given by flag.
      for (const file of ["approvals", "allowed_signers", "tempgrant.yaml"])
        cpSync(join(project.dir, file), join(evidence[name], file), { recursive: true });
    }
    rmSync(project.dir, { recursive: true, force: true });
  });

  it("has none of them on PATH", () => {
    for (const tool of ["tofu", "terraform", "opa", "go"])
      expect(findAllOnPath(tool, env().PATH), tool).toEqual([]);
    expect(existsSync(join(cache, "tools"))).toBe(false);
  });

  it("npx tempgrant --help and --version work", async () => {
    const help = await npx(["tempgrant", "--help"]);
    expect(help.exitCode, failure(help)).toBe(0);
    for (const command of ["check", "plan", "apply", "sweep", "grants", "init", "policy", "toolchain"]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
    expect((await npx(["tempgrant", "--version"])).stdout.trim()).toBe(ourVersion);
  });

  it("npx tempgrant check: exit 0 for a passing plan, 1 for a denied one", async () => {
    const pass = await npx(["tempgrant", "check", plans.pass, ...withEvidence("pass"), "--format", "json"]);
    expect(pass.exitCode, failure(pass)).toBe(0);
    expect(JSON.parse(pass.stdout)).toMatchObject({ passed: true, grants: 1 });

    const deny = await npx(["tempgrant", "check", plans.deny, ...withEvidence("deny")]);
    expect(deny.exitCode, failure(deny)).toBe(1);
    expect(deny.stdout).toContain("approvals/no-self-approval");
  });

  it("npx tempgrant check: a plan large enough to be checked in parts, on a helper thread", async () => {
    const now = Math.floor(Date.now() / 1000);
    const large = join(scratch, "large.json");
    writeFileSync(large, JSON.stringify(variedPlan(4_000, now)));
    const checkWith = (threads: string) =>
      npx(["tempgrant", "check", large, "--format", "json"], { TEMPGRANT_POLICY_THREADS: threads });
    const spread = await checkWith("1");
    const alone = await checkWith("0");
    expect(spread.exitCode, failure(spread)).toBe(1);
    expect(alone.exitCode, failure(alone)).toBe(1);
    const verdicts = (result: CommandResult) => {
      const report = JSON.parse(result.stdout) as { deny: unknown[]; warn: unknown[] };
      return { deny: report.deny, warn: report.warn };
    };
    expect(verdicts(spread).deny.length).toBeGreaterThan(3_000);
    expect(verdicts(spread)).toEqual(verdicts(alone));
  });

  it("finds the shipped Rego's rule metadata from the install (SARIF rule titles)", async () => {
    const sarif = await npx(["tempgrant", "check", plans.deny, "--format", "sarif"]);
    expect(sarif.exitCode).toBe(1);
    const rules =
      (
        JSON.parse(sarif.stdout) as {
          runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } } }[];
        }
      ).runs[0]?.tool.driver.rules ?? [];
    const rule = rules.find((entry) => entry.id === "approvals/no-self-approval");
    expect(rule?.shortDescription.text).not.toBe("approvals/no-self-approval");
  });

  it("exports the library and the JSON schemas", async () => {
    const script = [
      "import * as tempgrant from 'tempgrant';",
      "import schema from 'tempgrant/schemas/config.schema.json' with { type: 'json' };",
      "console.log(typeof tempgrant.TemporaryGrant, typeof tempgrant.YamlGrants, schema.title);",
    ].join("\n");
    const result = await run("node", ["--input-type=module", "-e", script], probe, env());
    expect(result.exitCode, failure(result)).toBe(0);
    expect(result.stdout.trim()).toBe("function function tempgrant.yaml");
  });
});

describe("tempgrant init, end to end from the tarball", () => {
  const server = inject("postgres");
  const repo = join(scratch, "new-grants-repo");
  const now = Math.floor(Date.now() / 1000);
  const database = `tg_init_${now.toString(36)}`;
  // The state backend: the stack reads PG_CONN_STR; the password comes from PGPASSWORD, so
  // the connection string holds no secret. CI is set, as on a runner.
  const stateEnv = () =>
    cleanEnvironment({
      CI: "true",
      PG_CONN_STR: `postgres://${server.user}@${server.host}:${server.port}/${database}?sslmode=disable`,
      PGPASSWORD: server.password,
    });
  const inRepo = (args: string[], env: NodeJS.ProcessEnv = stateEnv()) =>
    run("npx", ["tempgrant", ...args], repo, env);
  const stateResources = async (): Promise<string[]> => {
    const client = new pg.Client({ ...server, database });
    await client.connect();
    try {
      const rows = (await client.query<{ data: string }>("select data from tempgrant_main.states")).rows;
      const state = JSON.parse(rows[0]?.data ?? "{}") as { resources?: { type: string; name: string }[] };
      return (state.resources ?? []).map((resource) => `${resource.type}.${resource.name}`).sort();
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await adminQuery(server, `create database ${pg.escapeIdentifier(database)}`);
  });
  afterAll(async () => {
    await adminQuery(server, `drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
  });

  it("init from the installed package, then npm install from the tarball", async () => {
    const init = await run(
      "npx",
      ["tempgrant", "init", repo, "--tempgrant-spec", tarball, "--now", formatTimestamp(now)],
      join(scratch, "probe"),
      cleanEnvironment(),
    );
    expect(init.exitCode, failure(init)).toBe(0);
    const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies.tempgrant).toBe(`file:${tarball}`);
    const installed = await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
      repo,
      cleanEnvironment(),
    );
    expect(installed.exitCode, failure(installed)).toBe(0);
  });

  it("lists the app's grants (TypeScript and YAML) as active, and type-checks against the published types", async () => {
    // In a project, `grants` runs the app, as plan does (targets checked).
    const grants = await inRepo(["grants", "--format", "json"]);
    expect(grants.exitCode, failure(grants)).toBe(0);
    const listed = (JSON.parse(grants.stdout) as { grants: { id: string; status: string }[] }).grants;
    expect(listed.map(({ id, status }) => [id, status]).sort()).toEqual([
      ["alice-example-read", "active"],
      ["carol-example-write", "active"],
    ]);
    const typecheck = await run("npx", ["tsc", "--noEmit"], repo, cleanEnvironment());
    expect(typecheck.exitCode, failure(typecheck)).toBe(0);
    // The schema paths the YAML files name for editors exist in the install.
    expect(existsSync(join(repo, "node_modules/tempgrant/dist/src/grant/grants.schema.json"))).toBe(true);
    expect(existsSync(join(repo, "node_modules/tempgrant/dist/src/policy/config.schema.json"))).toBe(true);
  });

  it("refuses local state on CI", async () => {
    const { PG_CONN_STR: _unused, ...withoutBackend } = stateEnv();
    const result = await inRepo(["plan"], withoutBackend);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("no state backend on CI");
  });

  /** The approvers of every grant the repo declares sign its digest (as `tempgrant approve` would). */
  const approveAll = async () => {
    const listed = await inRepo(["grants", "--app", "--format", "json"]);
    expect(listed.exitCode, failure(listed)).toBe(0);
    approveListedGrants(repo, (JSON.parse(listed.stdout) as { grants: ListedGrant[] }).grants);
  };

  it("its README's approval walk, run as written: plan denies the unapproved grants, then passes", async () => {
    const before = await inRepo(["plan"]);
    expect(before.exitCode, failure(before)).toBe(1);
    expect(before.stdout).toContain("DENY approvals/evidence-verified");
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Approve the example grants"));
    const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
    expect(script, "README: no sh block under 'Approve the example grants'").toBeDefined();
    // The block as a user pastes it (bash, stopping at the first failing command).
    const walked = await run("bash", ["-e", "-c", script ?? ""], repo, stateEnv());
    expect(walked.exitCode, failure(walked)).toBe(0);
    expect(walked.stdout).toMatch(/^PASS main .*: 2 grant\(s\)/m);
  });

  it("synthesizes, plans and checks: both example grants pass", async () => {
    await approveAll();
    const result = await inRepo(["plan"]);
    expect(result.exitCode, failure(result)).toBe(0);
    expect(result.stdout).toMatch(/^PASS main .*: 2 grant\(s\)/m);
  });

  it("applies with the state in PostgreSQL (pg backend)", async () => {
    const result = await inRepo(["apply", "--format", "json"]);
    expect(result.exitCode, failure(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ passed: true, grants: 2 });
    expect(await stateResources()).toEqual([
      "tempgrant_grant.grant_alice_example_read",
      "tempgrant_grant.grant_carol_example_write",
      "terraform_data.grant_alice_example_read_access",
      "terraform_data.grant_carol_example_write_access",
    ]);
  });

  it("sweeps both once they expire, and verifies", async () => {
    const later = formatTimestamp(now + EXAMPLE_GRANT_SECONDS + 3_600);
    const result = await inRepo(["sweep", "--now", later, "--json"]);
    expect(result.exitCode, failure(result)).toBe(0);
    expect(result.stdout).toContain('"verified": true');
    expect(await stateResources()).toEqual([]);
  });

  it("enforces its own Rego with no flag", async () => {
    writeFileSync(
      join(repo, "grants", "admin.yaml"),
      [
        "grants:",
        "  - id: dave-example-admin",
        "    principal: dave@example.com",
        "    target: example-system",
        "    access: admin",
        `    expiresAt: "${formatTimestamp(Math.floor(Date.now() / 1000) + 3_600)}"`,
        "    reason: Rotate the signing keys after the audit",
        "    ticket: SEC-7",
        "    requestedBy: dave@example.com",
        "    approvedBy: [erin@example.com]",
        "",
      ].join("\n"),
    );
    await approveAll();
    // Built with no flag from policies/ (opa: the toolchain's, as `tempgrant toolchain` gives).
    const own = await inRepo(["plan", "--format", "json"]);
    expect(own.exitCode, failure(own)).toBe(1);
    // Built by the first plan of this repo, reused since.
    expect(own.stderr).toContain("[policy] policies/ unchanged: using the cached bundle .tempgrant/policy/");
    expect(JSON.parse(own.stdout)).toMatchObject({
      passed: false,
      deny: [{ rule: "org/admin-two-approvers", grant: "dave-example-admin" }],
    });
    // The bundle of its own the project may build, and the shipped one, by --bundle.
    const built = await run("npm", ["run", "policy:build"], repo, cleanEnvironment());
    expect(built.exitCode, failure(built)).toBe(0);
    const bundled = await inRepo(["plan", "--bundle", "policies/bundle/policy.wasm"]);
    expect(bundled.exitCode, failure(bundled)).toBe(1);
    const shipped = await inRepo(["plan", "--bundle", "node_modules/tempgrant/policies/bundle/policy.wasm"]);
    expect(shipped.exitCode, failure(shipped)).toBe(0);
    rmSync(join(repo, "grants", "admin.yaml"));
  });

  it("the CI templates' own scripts run in the new repo: SARIF, comment, JUnit, sweep exit 4", async () => {
    type Flow = { jobs: Record<string, { steps: { name?: string; run?: string }[] }> };
    const flow = (name: string) =>
      parseYaml(readFileSync(join(repo, ".github", "workflows", name), "utf8")) as Flow;
    const step = (workflow: Flow, name: string) =>
      Object.values(workflow.jobs)
        .flatMap((job) => job.steps)
        .find((candidate) => candidate.name === name)?.run ?? "";
    const outputs = join(scratch, "github-output");
    writeFileSync(outputs, "");
    const output = (key: string) =>
      new RegExp(`^${key}=(.*)$`, "m").exec(readFileSync(outputs, "utf8"))?.[1] ?? "";
    // As GitHub runs a `run:` step: bash -eo pipefail, expressions already substituted.
    const bash = (script: string) =>
      run(
        "bash",
        [
          "--noprofile",
          "--norc",
          "-eo",
          "pipefail",
          "-c",
          script.replaceAll(/\$\{\{\s*steps\.plan\.outputs\.exit-code\s*\}\}/g, output("exit-code")),
        ],
        repo,
        { ...stateEnv(), GITHUB_OUTPUT: outputs },
      );

    const check = flow("tempgrant-check.yml");
    // What the workflow's github-script step fetches: the pull request, no reviews yet (the
    // grants' approvals are the signatures under approvals/).
    writeFileSync(join(repo, "tempgrant-reviews.json"), JSON.stringify(githubReviews([])));
    // What the workflow's checkout of the base commit gives: its tempgrant.yaml and allowed
    // signers (here the same as the repo's: the grants were approved by keys already there).
    mkdirSync(join(repo, ".tempgrant", "base"), { recursive: true });
    for (const file of ["tempgrant.yaml", "allowed_signers"])
      cpSync(join(repo, file), join(repo, ".tempgrant", "base", file));
    const planned = await bash(step(check, "Plan and check every stack"));
    expect(planned.exitCode, failure(planned)).toBe(0);
    expect(output("exit-code")).toBe("0");
    expect(output("sarif")).toBe("true");
    const sarif = JSON.parse(readFileSync(join(repo, "tempgrant.sarif"), "utf8")) as {
      version: string;
      runs: unknown[];
    };
    expect(sarif).toMatchObject({ version: "2.1.0", runs: [{ tool: { driver: { name: "tempgrant" } } }] });
    const comment = await bash(step(check, "Render the comment from the same saved plans"));
    expect(comment.exitCode, failure(comment)).toBe(0);
    const body = readFileSync(join(repo, "tempgrant-comment.md"), "utf8");
    expect(body.startsWith("<!-- tempgrant-check -->\n")).toBe(true);
    expect(body).toContain("tempgrant check passed");

    // Nothing has expired and the examples are not applied (the sweep above ran later):
    // the sweep revokes nothing and reports them as pending, exit 4, which GitHub's step
    // turns into a warning and GitLab allows.
    const swept = await bash(step(flow("tempgrant-sweep.yml"), "Sweep"));
    expect(swept.exitCode, failure(swept)).toBe(0);
    expect(swept.stdout).toContain("::warning::tempgrant sweep: revocations done and verified");

    const gitlab = parseYaml(readFileSync(join(repo, ".gitlab-ci.yml"), "utf8")) as Record<
      string,
      { script?: string[] }
    >;
    const sh = (lines: string[] = [], env: NodeJS.ProcessEnv = {}) =>
      run("sh", ["-e", "-c", lines.join("\n")], repo, { ...stateEnv(), ...env });
    // GitLab's check reads who may approve from the target branch: give the repo an origin
    // whose main holds this very tree, as a merge request's runner finds it.
    const origin = join(scratch, "origin.git");
    const identity = {
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    };
    for (const [cwd, args] of [
      [scratch, ["init", "--quiet", "--bare", "--initial-branch=main", origin]],
      [repo, ["init", "--quiet", "--initial-branch=main"]],
      [repo, ["add", "-A"]],
      [repo, ["commit", "--quiet", "-m", "the grants repo"]],
      [repo, ["remote", "add", "origin", origin]],
      [repo, ["push", "--quiet", "origin", "main"]],
    ] as const) {
      const done = await run("git", [...args], cwd, { ...process.env, ...identity });
      expect(done.exitCode, failure(done)).toBe(0);
    }
    const junit = await sh(gitlab["tempgrant-check"]?.script, {
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main",
    });
    expect(junit.exitCode, failure(junit)).toBe(0);
    expect(readFileSync(join(repo, "tempgrant-junit.xml"), "utf8")).toMatch(/^<\?xml[^>]*>\s*<testsuites/);
    expect((await sh(gitlab["tempgrant-sweep"]?.script)).exitCode).toBe(4);
  });

  it("its PostgreSQL target synthesizes a login role with VALID UNTIL, planned by tempgrant's provider", async () => {
    enableOrdersDb(repo);
    const expires = now + 3_600;
    writeFileSync(
      join(repo, "grants", "orders.yaml"),
      [
        "grants:",
        "  - id: erin-orders-read",
        "    principal: erin@example.com",
        "    target: orders-db",
        "    access: read",
        `    expiresAt: "${formatTimestamp(expires)}"`,
        "    reason: Quarterly revenue model refresh",
        "    ticket: DATA-77",
        "    requestedBy: erin@example.com",
        "    approvedBy: [frank@example.com]",
        // A public SCRAM verifier (made-up salt and keys), never a password.
        '    credential: "SCRAM-SHA-256$4096:ZXJpbi1zYWx0LTk5OTk5$RXJpblN0b3JlZEtleUVyaW5TdG9yZWRLZXlFcmluMTIzNDU=:RXJpblNlcnZlcktleUVyaW5TZXJ2ZXJLZXlFcmluMTIzNDU="',
        "",
      ].join("\n"),
    );
    await approveAll();
    const result = await inRepo(["plan"], {
      ...stateEnv(),
      ...providerEnvironment(server),
      PGPASSWORD: server.password,
    });
    const synthesized = JSON.parse(
      readFileSync(join(repo, "cdktf.out", "stacks", "main", "cdk.tf.json"), "utf8"),
    ) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(synthesized.resource.tempgrant_postgresql_login_role?.grant_erin_orders_read).toMatchObject({
      name: "tg_erin_orders_read",
      member_of: ["orders_read"],
      valid_until: formatTimestamp(expires),
      depends_on: ["tempgrant_grant.grant_erin_orders_read"],
    });
    expect(result.exitCode, failure(result)).toBe(0);
  });
});
