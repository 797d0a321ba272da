import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startInOwnGroup, type GroupCommand } from "../../src/exec/run-command.js";
import { revocationHook } from "../../bench/sweep-project.js";
import { formatTimestamp } from "../../src/grant/time.js";
import { makeProject, type ProjectGrant } from "./cdktf-project.js";

/** Options of {@link makeSlowRevocationProject}. */
export interface SlowRevocationProjectOptions {
  /** Keep the state in the pg backend (password from PGPASSWORD) instead of a local file. */
  readonly pgBackend?: { readonly connStr: string; readonly schemaName: string };
}

/** A project whose revocations wait for the test: see {@link makeSlowRevocationProject}. */
export interface SlowRevocationProject {
  readonly dir: string;
  /** The synthesized stack's folder: the engine's working directory (and the local state's). */
  readonly stackDir: string;
  writeGrants(grants: readonly ProjectGrant[]): void;
  /** Revocations started from now on wait at their destroy provisioner until {@link release}. */
  hold(): void;
  /** Lets every waiting revocation (and every later one) go on at once. */
  release(): void;
  /** Whether the destroy provisioner of this grant's access started, and finished. */
  revocation(id: string): { started: boolean; finished: boolean };
  /** Forgets the markers of earlier revocations. */
  clearMarkers(): void;
  /**
   * Kills every running revocation provisioner (wherever the engine put its process group), as
   * a target that drops the connection would: the engine sees the destroy fail and finishes
   * its own shutdown, saving the state it has.
   */
  killRevocations(): void;
  /** From now on every revocation's destroy fails (the target refuses), until {@link accept}. */
  refuse(): void;
  /** Revocations succeed again. */
  accept(): void;
  /** Replaces the cdktf app with a broken one (see {@link BrokenApp}); {@link repairApp} puts it back. */
  breakApp(kind: BrokenApp): void;
  repairApp(): void;
}

/**
 * Ways a build breaks: the app throws; it does not compile (a syntax error); it exits 0
 * without synthesizing; it hangs; it synthesizes its stack under another name.
 */
export type BrokenApp = "throws" | "does-not-compile" | "no-output" | "hangs" | "stack-renamed";

/**
 * A project like {@link makeProject} (YAML grants on a built-in terraform_data target, each
 * with its `tempgrant_grant` record, one stack `ledger`) whose revocations take as long as the
 * test wants, to give a fault test a window in the middle of a sweep's apply.
 *
 * A destroy-time provisioner on the grant's own resource would never run: the sweep revokes
 * by leaving an expired grant out of the configuration, and OpenTofu runs destroy
 * provisioners only from configuration. So the app adds a `removed` block (OpenTofu 1.9+)
 * for the access resource of every grant that is not active, with `destroy = true` and a
 * local-exec destroy provisioner. The provisioner touches `started-<id>`, waits (checking
 * every 0.1 s, at most 60 s) until the file `release` exists, then touches `finished-<id>`;
 * the resource is destroyed after it (and the grant's record after that: the access depends
 * on it). The test polls for `started-<id>`: it waits for an event, never for time.
 */
export function makeSlowRevocationProject(options: SlowRevocationProjectOptions = {}): SlowRevocationProject {
  const project = makeProject();
  const markers = join(project.dir, "markers");
  mkdirSync(markers);
  const script = join(markers, "revoke.sh");
  writeFileSync(
    script,
    [
      "#!/bin/sh",
      `touch '${markers}/started-'"$1"`,
      `if [ -e '${markers}/refuse' ]; then echo "the target refuses to revoke $1" >&2; exit 1; fi`,
      "i=0",
      `while [ ! -e '${markers}/release' ] && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done`,
      `touch '${markers}/finished-'"$1"`,
      "",
    ].join("\n"),
  );
  const library = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
  const backend = options.pgBackend
    ? `new PgBackend(stack, ${JSON.stringify(options.pgBackend)});`
    : 'new LocalBackend(stack, { path: "terraform.tfstate" });';
  writeFileSync(
    join(project.dir, "app.ts"),
    [
      `import { App, LocalBackend, PgBackend, TerraformStack } from ${JSON.stringify(import.meta.resolve("cdktf"))};`,
      `import { configureFromEnvironment, CustomTarget, resourceName, YamlGrants } from ${JSON.stringify(library)};`,
      "const app = new App();",
      "configureFromEnvironment(app);",
      'const stack = new TerraformStack(app, "ledger");',
      backend,
      "const target = new CustomTarget({",
      '  name: "ledger-db",',
      '  resources: (grant) => [{ type: "terraform_data", suffix: "access", attributes: { input: grant.principal } }],',
      "});",
      'const declared = new YamlGrants(stack, "grants", { dir: "grants", targets: [target] });',
      ...revocationHook(script),
      "app.synth();",
      "",
    ].join("\n"),
  );
  const release = join(markers, "release");
  const appFile = join(project.dir, "app.ts");
  const app = readFileSync(appFile, "utf8");
  const broken: Record<BrokenApp, string> = {
    throws: `throw new Error("the grants repo is broken: cannot read grants/team.yaml");\n${app}`,
    "does-not-compile": `const = ;\n${app}`,
    "no-output": app.replace("app.synth();", "process.exit(0);"),
    hangs: `setInterval(() => {}, 1_000);\nawait new Promise(() => {});\n${app}`,
    "stack-renamed": app.replace('new TerraformStack(app, "ledger")', 'new TerraformStack(app, "ledger-v2")'),
  };
  return {
    dir: project.dir,
    stackDir: join(project.dir, "cdktf.out", "stacks", "ledger"),
    writeGrants: project.writeGrants,
    hold: () => rmSync(release, { force: true }),
    release: () => writeFileSync(release, ""),
    revocation: (id) => ({
      started: existsSync(join(markers, `started-${id}`)),
      finished: existsSync(join(markers, `finished-${id}`)),
    }),
    refuse: () => writeFileSync(join(markers, "refuse"), ""),
    accept: () => rmSync(join(markers, "refuse"), { force: true }),
    breakApp: (kind) => writeFileSync(appFile, broken[kind]),
    repairApp: () => writeFileSync(appFile, app),
    killRevocations: () => {
      spawnSync("pkill", ["-KILL", "-f", script]);
    },
    clearMarkers: () => {
      for (const name of readdirSync(markers)) {
        if (/^(started|finished)-/.test(name)) rmSync(join(markers, name));
      }
    },
  };
}

/** The grants of the fault tests: alice expires an hour after `t0`, carol three hours after. */
export function aliceAndCarol(t0: number): ProjectGrant[] {
  return [
    { id: "alice", expiresAt: formatTimestamp(t0 + 3_600) },
    { id: "carol", expiresAt: formatTimestamp(t0 + 3 * 3_600) },
  ];
}

/** The state's addresses with both of {@link aliceAndCarol} applied, sorted. */
export const ALICE_AND_CAROL = [
  "tempgrant_grant.grant_alice",
  "tempgrant_grant.grant_carol",
  "terraform_data.grant_alice_access",
  "terraform_data.grant_carol_access",
];

/** The state's addresses once alice is revoked. */
export const CAROL_ONLY = ["tempgrant_grant.grant_carol", "terraform_data.grant_carol_access"];

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** A `tempgrant` CLI process running in a process group of its own, with the engine it spawns. */
export type CliProcess = GroupCommand;

const running = new Set<number>();

/** SIGKILLs the groups of every CLI started by {@link spawnCli} that is still running (for afterAll). */
export function killRunningClis(): void {
  for (const pid of running) if (groupAlive(pid)) process.kill(-pid, "SIGKILL");
  running.clear();
}

/** Starts the real CLI (from source, through tsx) as the leader of a new process group. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const cli = startInOwnGroup({
    program: process.execPath,
    args: ["--import", "tsx", MAIN, ...args],
    env: { ...process.env, NO_COLOR: "1", TEMPGRANT_NOW: "", ...env },
  });
  running.add(cli.pid);
  void cli.exited.then(() => {
    if (!cli.alive()) running.delete(cli.pid);
  });
  return cli;
}

/** Whether any process of this group is still alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until `ready()` holds, checking every 50 ms; fails when `gaveUp` settles first (the
 * process it waits on exited) or after `timeoutMs`. It waits for an event, not for time.
 */
export async function waitFor(
  what: string,
  ready: () => boolean | Promise<boolean>,
  options: { gaveUp?: Promise<unknown>; timeoutMs?: number } = {},
): Promise<void> {
  let over: string | undefined;
  void options.gaveUp?.then((value) => {
    over = `the process exited first: ${JSON.stringify(value).slice(0, 2_000)}`;
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!(await ready())) {
    if (over) throw new Error(`${what}: ${over}`);
    if (Date.now() > deadline) throw new Error(`${what}: not after ${options.timeoutMs ?? 60_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
