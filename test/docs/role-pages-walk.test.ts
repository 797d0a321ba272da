import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCommand, type CommandResult } from "../../src/exec/run-command.js";
import { formatTimestamp, parseTimestamp } from "../../src/grant/index.js";
import { approveListedGrants, type ListedGrant } from "../support/approve-grants.js";
import { sourceCli } from "../support/cli.js";
import { blockCommands, shellBlocks, type DocBlock, type DocCommand } from "../support/doc-walk.js";
import { adminQuery, providerEnvironment } from "../support/postgres.js";
import { editScaffold, enableOrdersDb } from "../support/scaffold-orders-db.js";
import { allowedSignersLine, makeSigner, type Signer } from "../support/ssh-keys.js";

// The role pages walked, command by command as written, from `tempgrant init` on, in one
// repository: platform-owner.md starts it, engineer.md requests, approves and verifies a
// grant, ci.md runs the jobs' commands, and auditor.md reads what they recorded. Which blocks
// run, and how a page marks them, is test/support/doc-walk.ts; every ```sh block of the four
// pages is walked or says why not, and each walked command has its expectation below (what
// the page says it does), so a command added to a page without one fails the walk.
//
// What the pages leave to prose, the test does in between, as the people would:
// - the platform owner declares `orders-db` (stacks/targets.ts says how: a PostgresqlTarget
//   with tempgrant's provider; here in membership mode, on the throwaway PostgreSQL with
//   roles of the test's own), lists the approvers' keys in allowed_signers (the example
//   grants' approvers sign, as the new README's walk does, and frank's key is added), and
//   the repository gets a remote (a bare repository standing in for GitHub);
// - engineer.md's grant written by hand is compared with the one `request` wrote;
// - engineer.md's example denial is compared with what plan says once erin's grant changes
//   after frank signed it (a later expiresAt, as its "Extend it" says), then the change is undone;
// - engineer.md's break-glass example (its YAML, its date from DATES) is planned once, and removed;
// - between ci.md and auditor.md, time passes: the scheduled sweep (ci.md's command) runs
//   again once erin's 4-hour grant has expired (within one 10-minute schedule of it).
// The clock is the real one, moved forward with TEMPGRANT_NOW, never back (tempgrant's
// provider keeps the later of the two). The pages' example dates are read from DATES below,
// which maps each to an instant of this run, so the pages never go stale.
//
// `npx tempgrant` before the repository exists is this checkout's CLI (what a user who cloned
// tempgrant runs); in the repository, npx runs the tempgrant that `npm install` put in it.
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PAGES = ["docs/platform-owner.md", "docs/engineer.md", "docs/ci.md", "docs/auditor.md"] as const;
const HOUR = 3_600;
const start = Math.floor(Date.now() / 1000);
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-walk-"));
const repo = join(scratch, "my-grants");
const remote = join(scratch, "origin.git");
const server = inject("postgres");
// Roles of this run only: roles are shared by every database of the server.
const suffix = start.toString(36);
const privilegeRole = `walk_orders_read_${suffix}`;
const erinRole = `walk_erin_${suffix}`;
const writeRole = `walk_orders_write_${suffix}`;

/**
 * The scheduled sweep runs again once erin's 4-hour grant has expired, within one 10-minute
 * schedule of it; the auditor reads the record a little later.
 */
const SWEEP_AT = 4 * HOUR + 10 * 60;
const AUDIT_AT = SWEEP_AT + 10 * 60;

/** The pages' example instants, as instants of this run. */
const DATES: Readonly<Record<string, number>> = {
  // auditor.md: "who had access at ..." — an hour into erin's 4-hour grant.
  "2026-11-25T03:00:00Z": start + HOUR,
  // auditor.md: the period of the report, the export and `who --from/--to`, which has ended
  // when the auditor looks: from before the repository existed to the auditor's clock.
  "2026-11-01T00:00:00Z": start - HOUR,
  "2026-12-01T00:00:00Z": start + AUDIT_AT,
  // engineer.md: the break-glass grant's expiry, short (the cap is 4h).
  "2026-11-25T23:00:00Z": start + 2 * HOUR,
};

/** Who runs a block: the requester, or her approver with his signing key. */
type Actor = "erin" | "frank";
let frank: Signer;

/** An expectation of one command: what the page says it does. */
type Expect = (result: CommandResult, command: DocCommand) => void | Promise<void>;

interface Step {
  readonly page: (typeof PAGES)[number];
  readonly step: string;
  readonly actor?: Actor;
  /** Seconds after the run's start the block runs at (TEMPGRANT_NOW); default the real clock. */
  readonly at?: number;
  /** One expectation per command of the block, in order. */
  readonly expect: readonly Expect[];
}

const failure = (result: CommandResult) => `exit ${result.exitCode}\n${result.stdout}\n${result.stderr}`;
const succeeds =
  (...also: Expect[]): Expect =>
  async (result, command) => {
    expect(result.exitCode, `${command.where} ${command.written}\n${failure(result)}`).toBe(0);
    for (const more of also) await more(result, command);
  };
const prints =
  (...patterns: (string | RegExp | (() => string))[]): Expect =>
  (result) => {
    for (const entry of patterns) {
      const pattern = typeof entry === "function" ? entry() : entry;
      if (typeof pattern === "string") expect(result.stdout).toContain(pattern);
      else expect(result.stdout).toMatch(pattern);
    }
  };
const inRepo = (path: string) => join(repo, path);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** erin's grant, as `tempgrant request` named it and printed its digest. */
const GRANT = "erin-orders-db-read";
let digest = "";

async function isMember(role: string, of: string): Promise<boolean> {
  const rows = await adminQuery<{ member: boolean }>(
    server,
    "select pg_has_role($1, $2, 'member') as member",
    [role, of],
  );
  return rows[0]?.member === true;
}

const STEPS: readonly Step[] = [
  {
    page: "docs/platform-owner.md",
    step: "start",
    expect: [
      // npx tempgrant init my-grants
      succeeds(prints("wrote my-grants/cdktf.json", "vendor/tempgrant-"), () => {
        for (const path of [
          "cdktf.json",
          "stacks/main.ts",
          "grants/example.yaml",
          "tempgrant.yaml",
          "policies/README.md",
          ".github/workflows/tempgrant-check.yml",
          ".gitlab-ci.yml",
        ])
          expect(existsSync(inRepo(path)), path).toBe(true);
        const manifest = JSON.parse(readFileSync(inRepo("package.json"), "utf8")) as {
          dependencies: Record<string, string>;
        };
        expect(manifest.dependencies.tempgrant).toMatch(/^file:vendor\/tempgrant-.*\.tgz$/);
      }),
      // cd my-grants
      succeeds(),
      // npm install
      succeeds(() => expect(existsSync(inRepo("node_modules/tempgrant/package.json"))).toBe(true)),
      // git init -q && git add -A && git commit -q -m ...
      succeeds(),
      succeeds(),
      succeeds(async () => {
        // The tarball is committed (the new repo installs from it); nothing built or local is.
        const files = (await git(["ls-files"])).stdout.split("\n");
        expect(files.some((file) => /^vendor\/tempgrant-.*\.tgz$/.test(file))).toBe(true);
        expect(files.filter((file) => /^(node_modules|cdktf\.out|state|\.tempgrant)\//.test(file))).toEqual(
          [],
        );
      }),
      // npx tempgrant toolchain
      succeeds(),
      // npx tempgrant plan: DENY, nobody has approved the example grants yet
      (result) => {
        expect(result.exitCode, failure(result)).toBe(1);
        expect(result.stdout).toMatch(/^grant alice-example-read\n\s+DENY approvals\/evidence-verified/m);
        expect(result.stdout).toMatch(/^grant carol-example-write\n\s+DENY approvals\/evidence-verified/m);
      },
    ],
  },
  {
    page: "docs/platform-owner.md",
    step: "own-rules",
    expect: [
      // npx tempgrant policy test policies
      succeeds(prints(/PASS: \d+\/\d+/)),
      // npx tempgrant plan: the bundle the first plan built is reused
      succeeds(prints(/^PASS main .*: 2 grant\(s\)/m), (result) =>
        expect(result.stderr).toContain("[policy] policies/ unchanged: using the cached bundle"),
      ),
    ],
  },
  {
    page: "docs/engineer.md",
    step: "request",
    actor: "erin",
    expect: [
      // npx tempgrant request ... --approver frank@example.com
      succeeds(
        prints(
          `wrote grants/${GRANT}.yaml`,
          `grant        ${GRANT}: read on orders-db for erin@example.com`,
          "requested by erin@example.com (from git config user.email)",
          /window {7}from its apply until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+01:00 \(4h from now\)/,
        ),
        (result) => {
          digest = /digest {7}(sha256:[0-9a-f]{64})/.exec(result.stdout)?.[1] ?? "";
          expect(digest).not.toBe("");
          const file = readFileSync(inRepo(`grants/${GRANT}.yaml`), "utf8");
          // In erin's zone, with the offset written out.
          expect(file).toMatch(/expiresAt: "?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+01:00/);
          expect(file).toMatch(/approvedBy:\s*- frank@example\.com/);
        },
      ),
      // npx tempgrant grants: her grant, its window, status and digest
      succeeds((result) => {
        const line = result.stdout.split("\n").find((candidate) => candidate.includes(GRANT)) ?? "";
        expect(line, result.stdout).toContain("active");
        expect(result.stdout).toContain(digest);
      }),
    ],
  },
  {
    page: "docs/engineer.md",
    step: "approve",
    actor: "frank",
    expect: [
      // npx tempgrant approve erin-orders-db-read
      succeeds(() => {
        const signature = readFileSync(inRepo(`approvals/${GRANT}/frank@example.com.sig`), "utf8");
        expect(signature).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
      }),
      // git add approvals/ && git commit -m "approve ..." && git push
      succeeds(),
      succeeds(),
      succeeds(async () => {
        const pushed = await runCommand({
          program: "git",
          args: ["--git-dir", remote, "log", "-1", "--format=%ae %s"],
        });
        expect(pushed.stdout.trim()).toBe(`frank@example.com approve ${GRANT}`);
      }),
    ],
  },
  {
    page: "docs/engineer.md",
    step: "verify",
    actor: "erin",
    expect: [
      // npx tempgrant plan: erin's grant passes with frank's signature, as CI will see it
      succeeds(prints(/^PASS main .*: 3 grant\(s\)/m)),
    ],
  },
  {
    page: "docs/ci.md",
    step: "jobs",
    expect: [
      // npx tempgrant plan --format sarif > tempgrant.sarif
      succeeds(() => {
        const sarif = JSON.parse(readFileSync(inRepo("tempgrant.sarif"), "utf8")) as {
          version: string;
          runs: unknown[];
        };
        expect(sarif).toMatchObject({
          version: "2.1.0",
          runs: [{ tool: { driver: { name: "tempgrant" } } }],
        });
        expect(sarif.runs).toHaveLength(1);
      }),
      // npx tempgrant check cdktf.out/stacks/main/tempgrant.tfplan --format markdown
      succeeds(prints("tempgrant check passed")),
      // npx tempgrant apply --format github: erin is now a member of the orders role
      succeeds(prints(/^tempgrant: 0 denied, \d+ warning\(s\)/m), async () =>
        expect(await isMember(erinRole, privilegeRole)).toBe(true),
      ),
      // npx tempgrant sweep --json: nothing has expired, nothing is revoked
      succeeds(async (result) => {
        expect(result.stdout).toContain('"verified": true');
        expect(await isMember(erinRole, privilegeRole)).toBe(true);
      }),
    ],
  },
  {
    page: "docs/auditor.md",
    step: "chain",
    at: AUDIT_AT,
    expect: [succeeds(prints(/: chain intact, \d+ entries$/m, /^head: seq \d+ [0-9a-f]{64}$/m))],
  },
  {
    page: "docs/auditor.md",
    step: "approvals",
    at: AUDIT_AT,
    expect: [
      // per applied grant, who approved which digest, verified again
      succeeds(prints(() => `main/${GRANT} ${digest}: approved by frank@example.com (signature verified)`)),
    ],
  },
  {
    page: "docs/auditor.md",
    step: "who",
    at: AUDIT_AT,
    expect: [
      // an hour into erin's window: requester, approver and how, digest, ticket, how it ended
      succeeds(
        prints(
          /^1 access window\(s\) for target orders-db, at /,
          `main/${GRANT}`,
          "frank@example.com (signature)",
          () => `over ${digest}`,
          "DATA-77",
          /expired-verified/,
        ),
      ),
      // her windows over the period
      succeeds(prints(GRANT)),
    ],
  },
  {
    page: "docs/auditor.md",
    step: "diff",
    at: AUDIT_AT,
    expect: [
      // the state before the sweep's apply, and after: erin's grant removed, nothing unmanaged
      succeeds(
        prints(
          "**Grants:** 0 added, 1 removed, 0 extended, 0 narrowed, 0 widened",
          `| removed | \`${GRANT}\` | erin@example.com | orders-db | read |`,
          "No unmanaged privileged changes.",
        ),
      ),
    ],
  },
  {
    page: "docs/auditor.md",
    step: "report",
    at: AUDIT_AT,
    expect: [
      succeeds((result) => {
        expect(result.stderr).toContain(
          "[audit] 3 grant(s), 0 break-glass, 0 late revocation(s), 0 past expiry not revoked",
        );
        const html = readFileSync(inRepo("november.html"), "utf8");
        expect(html).toContain(`data-window-id="${GRANT}"`);
        expect(html).toContain(digest);
        // One file that opens offline: nothing loaded from elsewhere.
        expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="?(https?:)?\/\//i);
      }),
      succeeds(async () => {
        const listed = await runCommand({
          program: "tar",
          args: ["-tzf", inRepo("evidence-2026-11.tar.gz")],
        });
        expect(listed.exitCode).toBe(0);
        // The ledger, its verification, the report in every format, the state, the manifest.
        expect(listed.stdout.split("\n").sort()).toEqual(
          expect.arrayContaining([
            "MANIFEST.json",
            "ledger.jsonl",
            "verify.json",
            "report.html",
            "report.csv",
            "report.json",
            "report.md",
            "state-1-main.tfstate",
          ]),
        );
      }),
    ],
  },
];

/** The git of the people at the keyboard: their own global config, no system one. */
const gitConfig = join(scratch, "gitconfig");
writeFileSync(
  gitConfig,
  [
    "[user]",
    "  name = Erin",
    "  email = erin@example.com",
    "[init]",
    "  defaultBranch = main",
    "[push]",
    "  autoSetupRemote = true",
    "[commit]",
    "  gpgsign = false",
    "",
  ].join("\n"),
);

/**
 * A workstation's environment: nothing of the npm or vitest that runs this test, no CI (local
 * state), the throwaway PostgreSQL for tempgrant's provider, erin's zone, and the actor's git
 * identity and signing key. The clock is the real one unless the step moves it forward.
 */
function walkEnvironment(actor: Actor, at: number | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|CI$|GITHUB_|GITLAB_|PG|TEMPGRANT_(NOW|LEDGER|SIGNING_KEY|ENGINE)$)/i.test(key))
      continue;
    env[key] = value;
  }
  return {
    ...env,
    ...providerEnvironment(server),
    NO_COLOR: "1",
    TZ: "Europe/Berlin",
    GIT_CONFIG_GLOBAL: gitConfig,
    GIT_CONFIG_NOSYSTEM: "1",
    // The machine's npm cache first, to spare the registry (npm install is as written).
    npm_config_prefer_offline: "true",
    ...(at !== undefined ? { TEMPGRANT_NOW: formatTimestamp(start + at) } : {}),
    ...(actor === "frank"
      ? {
          TEMPGRANT_SIGNING_KEY: frank.keyFile,
          GIT_AUTHOR_NAME: "Frank",
          GIT_AUTHOR_EMAIL: "frank@example.com",
          GIT_COMMITTER_NAME: "Frank",
          GIT_COMMITTER_EMAIL: "frank@example.com",
        }
      : {}),
  };
}

const git = (args: string[]) =>
  runCommand({ program: "git", args, cwd: repo, env: walkEnvironment("erin", undefined) });

/** Where the walk stands: a `cd` on a page moves it. */
let cwd = scratch;

/** The page's example dates in an argument, as this run's instants. */
const withRunDates = (arg: string) =>
  Object.entries(DATES).reduce(
    (text, [written, instant]) => text.replaceAll(written, formatTimestamp(instant)),
    arg,
  );

/** Runs one command of a page as an argument vector (never through a shell). */
async function runWritten(command: DocCommand, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const [program = "", ...args] = command.argv.map(withRunDates);
  if (program === "cd") {
    cwd = resolve(cwd, args[0] ?? "");
    return { exitCode: existsSync(cwd) ? 0 : 1, stdout: "", stderr: "" };
  }
  const installed = existsSync(join(cwd, "node_modules", ".bin", "tempgrant"));
  const spec =
    program === "npx" && args[0] === "tempgrant" && !installed ? sourceCli(args.slice(1)) : { program, args };
  const result = await runCommand({ ...spec, cwd, env, timeoutMs: 600_000, killGroupOnTimeout: true });
  if (command.stdoutTo) {
    const path = resolve(cwd, command.stdoutTo.path);
    if (command.stdoutTo.append) appendFileSync(path, result.stdout);
    else writeFileSync(path, result.stdout);
  }
  return result;
}

const blocks: DocBlock[] = PAGES.flatMap((page) => shellBlocks(join(ROOT, page), page));

/** Runs a page's block as written, checking each command against what the page says it does. */
async function walk(step: Step): Promise<void> {
  const block = blocks.find((candidate) => candidate.page === step.page && candidate.step === step.step);
  expect(block, `${step.page}: no <!-- walk: ${step.step} --> block`).toBeDefined();
  const commands = blockCommands(block as DocBlock, {});
  expect(
    commands.map((command) => command.written),
    `${step.page} "${step.step}": one expectation per command`,
  ).toHaveLength(step.expect.length);
  const env = walkEnvironment(step.actor ?? "erin", step.at);
  for (const [index, command] of commands.entries()) {
    const result = await runWritten(command, env);
    console.log(`[walk] ${command.where} ${command.written}: exit ${result.exitCode}`);
    if (process.env.WALK_DEBUG) console.log(result.stdout, result.stderr);
    await step.expect[index]?.(result, command);
  }
}

/** Runs again, as erin, the `tempgrant <subcommand>` of a walked block (at `at`, or the real clock). */
async function runAgain(step: string, subcommand: string, at: number | undefined): Promise<CommandResult> {
  const block = blocks.find((candidate) => candidate.step === step);
  const command = blockCommands(block as DocBlock, {}).find((candidate) => candidate.argv[2] === subcommand);
  expect(command, `no tempgrant ${subcommand} in the ${step} block`).toBeDefined();
  return runWritten(command as DocCommand, walkEnvironment("erin", at));
}

/** What the pages leave to prose: orders-db, the approvers' keys, a remote (see the top). */
async function platformOwnerSetup(): Promise<void> {
  // stacks/targets.ts: orders-db in membership mode, on this run's roles; then as it says.
  editScaffold(
    repo,
    "stacks/targets.ts",
    '  mode: "login-role",\n  privilegeRoles: { read: "orders_read", write: "orders_write" },',
    [
      '  mode: "membership",',
      `  privilegeRoles: { read: "${privilegeRole}", write: "${writeRole}" },`,
      `  principalRole: (principal) => "walk_" + principal.split("@")[0] + "_${suffix}",`,
    ].join("\n"),
  );
  enableOrdersDb(repo);
  for (const role of [privilegeRole, writeRole])
    await adminQuery(server, `create role ${pg.escapeIdentifier(role)} nologin`);
  await adminQuery(server, `create role ${pg.escapeIdentifier(erinRole)} login`);
  // The example grants' approvers sign them; frank's key joins allowed_signers.
  const listed = await runCommand({
    program: "npx",
    args: ["tempgrant", "grants", "--app", "--format", "json"],
    cwd: repo,
    env: walkEnvironment("erin", undefined),
  });
  expect(listed.exitCode, failure(listed)).toBe(0);
  approveListedGrants(repo, (JSON.parse(listed.stdout) as { grants: ListedGrant[] }).grants);
  appendFileSync(inRepo("allowed_signers"), `${allowedSignersLine(frank)}\n`);
  for (const args of [
    ["init", "-q", "--bare", remote],
    ["remote", "add", "origin", remote],
    ["add", "-A"],
    ["commit", "-q", "-m", "orders-db, and the approvers' keys"],
  ]) {
    const result = await git(args);
    expect(result.exitCode, failure(result)).toBe(0);
  }
}

beforeAll(async () => {
  frank = await makeSigner(join(scratch, "keys"), "frank@example.com");
});

afterAll(async () => {
  for (const role of [erinRole, privilegeRole, writeRole])
    await adminQuery(server, `drop role if exists ${pg.escapeIdentifier(role)}`).catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
});

describe("the role pages, walked as written", () => {
  it("every shell block of the four pages is walked here, or says why not", () => {
    const unmarked = blocks.filter((block) => block.step === undefined && block.notWalked === undefined);
    expect(unmarked.map((block) => `${block.page}:${block.line}`)).toEqual([]);
    const walked = blocks
      .filter((block) => block.step !== undefined)
      .map((block) => `${block.page} ${block.step}`);
    expect(walked.sort()).toEqual(STEPS.map((step) => `${step.page} ${step.step}`).sort());
    // The marker convention itself: a block with a pipe cannot be walked.
    expect(() =>
      blockCommands({ page: "p.md", line: 1, step: "s", text: "npx tempgrant grants | grep erin" }, {}),
    ).toThrow(/p\.md:2: not walkable without a shell/);
  });

  const [starting, ownRules, ...rest] = STEPS as [Step, Step, ...Step[]];
  it(`${starting.page}: ${starting.step}`, () => walk(starting), 900_000);
  it(
    "the platform owner declares orders-db and lists the approvers' keys; the repo gets a remote",
    () => platformOwnerSetup(),
    120_000,
  );
  it(`${ownRules.page}: ${ownRules.step}`, () => walk(ownRules), 600_000);
  const [request, approve, verify, ...later] = rest as [Step, Step, Step, ...Step[]];
  it(`${request.page}: ${request.step}`, () => walk(request), 600_000);
  it("engineer.md: the grant it shows written by hand is the one request wrote, but for its time", () => {
    const page = readFileSync(join(ROOT, "docs/engineer.md"), "utf8");
    const section = page.slice(page.indexOf("You can also write the grant yourself"));
    const byHand = parseYaml(/```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "") as { grants: object[] };
    const requested = parseYaml(readFileSync(inRepo(`grants/${GRANT}.yaml`), "utf8")) as { grants: object[] };
    const { expiresAt: written, ...asked } = byHand.grants[0] as Record<string, unknown>;
    const { expiresAt, ...wrote } = requested.grants[0] as Record<string, unknown>;
    expect(asked).toEqual(wrote);
    // Both with the zone's offset written out.
    for (const time of [written, expiresAt]) expect(String(time)).toMatch(/T\d\d:\d\d:\d\d\+01:00$/);
  });
  for (const step of [approve, verify]) it(`${step.page}: ${step.step}`, () => walk(step), 600_000);
  it("engineer.md: a later expiresAt voids frank's approval, with the page's example reason", async () => {
    const page = readFileSync(join(ROOT, "docs/engineer.md"), "utf8");
    const quoted = /for example\s+`(grant [^`]+)`/.exec(page)?.[1]?.replace(/\s+/g, " ") ?? "";
    expect(quoted).toContain("sha256:...");
    const file = inRepo(`grants/${GRANT}.yaml`);
    const original = readFileSync(file, "utf8");
    const expiresAt = /expiresAt: (\S+)/.exec(original)?.[1] ?? "";
    const parsed = parseTimestamp(expiresAt);
    expect(parsed.ok, expiresAt).toBe(true);
    const extended = formatTimestamp((parsed.ok ? parsed.instant.seconds : 0) + HOUR);
    writeFileSync(file, original.replace(`expiresAt: ${expiresAt}`, `expiresAt: ${extended}`));
    try {
      const result = await runAgain("verify", "plan", undefined);
      expect(result.exitCode, failure(result)).toBe(1);
      const said = result.stdout.replace(/\s+/g, " ");
      expect(said).toContain(
        `DENY approvals/evidence-verified (tempgrant_grant.grant_${GRANT.replaceAll("-", "_")})`,
      );
      // The page's text, with the new digest where it says sha256:...
      const [before = "", after = ""] = quoted.split("sha256:...");
      expect(said).toMatch(new RegExp(`${escapeRegExp(before)}sha256:[0-9a-f]{64}${escapeRegExp(after)}`));
    } finally {
      writeFileSync(file, original);
    }
  }, 600_000);
  it("engineer.md: its break-glass grant passes without approval, always with a warning", async () => {
    const page = readFileSync(join(ROOT, "docs/engineer.md"), "utf8");
    const section = page.slice(page.indexOf("## Break glass"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    const expiresAt = /expiresAt: (\S+)/.exec(example)?.[1] ?? "";
    expect(DATES[expiresAt], `${expiresAt}: not in the walk's DATES`).toBeDefined();
    // The page's list item as a grants file, its example date as this run's.
    const file = inRepo("grants/incident.yaml");
    const item = example.replace(expiresAt, formatTimestamp(DATES[expiresAt] ?? 0));
    writeFileSync(file, `grants:\n${item.replace(/^/gm, "  ")}`);
    try {
      const result = await runAgain("verify", "plan", undefined);
      expect(result.exitCode, failure(result)).toBe(0);
      expect(result.stdout).toMatch(/^PASS main .*: 4 grant\(s\).*: 0 denied, [1-9]\d* warning\(s\)/m);
      expect(result.stdout).toMatch(/^grant erin-orders-incident\n\s+WARN break-glass\/reported/m);
    } finally {
      rmSync(file);
    }
  }, 600_000);
  for (const step of later.filter((candidate) => candidate.page !== "docs/auditor.md"))
    it(`${step.page}: ${step.step}`, () => walk(step), 600_000);
  it("once erin's grant has expired, the scheduled sweep (ci.md's command) revokes it", async () => {
    const result = await runAgain("jobs", "sweep", SWEEP_AT);
    expect(result.exitCode, failure(result)).toBe(0);
    expect(result.stdout).toContain(GRANT);
    expect(await isMember(erinRole, privilegeRole)).toBe(false);
  }, 600_000);
  for (const step of rest.filter((candidate) => candidate.page === "docs/auditor.md"))
    it(`${step.page}: ${step.step}`, () => walk(step), 600_000);
});
