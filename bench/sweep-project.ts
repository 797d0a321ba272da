// What the sweep benchmark and the day-long simulation share: a throwaway cdktf project of
// YAML grants on a target made of built-in terraform_data resources (no provider, local
// state), the tempgrant CLI to run against it, and a reader of its real state.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readLedger } from "../src/audit/ledger/index.js";
import { runCommand, type CommandResult } from "../src/exec/run-command.js";
import { formatTimestamp } from "../src/grant/index.js";
import { bundleCli } from "../scripts/bundle-cli.js";
import { approveDeclaredGrants } from "../test/support/approve-grants.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The one stack of a bench project. */
export const STACK = "grants";

/** A grant of the bench project: its id and window (epoch seconds). */
export interface BenchGrant {
  readonly id: string;
  readonly startsAt?: number;
  readonly expiresAt: number;
  /** Default `<id>@example.com`. */
  readonly principal?: string;
  /** Default `ledger-db`. */
  readonly target?: string;
  /** The grant's SCRAM verifier (the PostgreSQL target's login roles). */
  readonly credential?: string;
}

/** How to run tempgrant: the command line, and the library the project's app imports. */
export interface TempgrantCli {
  /** `source`: src/ through tsx, as the tests run it; `build`: compiled JS, as installed. */
  readonly kind: "source" | "build";
  readonly program: string;
  readonly args: readonly string[];
  /** The library entry the cdktf app imports (same build as the CLI). */
  readonly library: string;
  /** The compiled policy bundle, for `tempgrant apply`. */
  readonly bundle: string;
}

/**
 * The tempgrant CLI to benchmark. `build` compiles src/ with tsconfig.build.json and bundles
 * the CLI, as `npm run build` does, into a private folder under node_modules/.cache (not
 * dist/, which other work rebuilds), so the figures are those of the installed package: no
 * tsx start-up (about 0.8 s a process here).
 */
export async function tempgrantCli(
  kind: "source" | "build",
  log: (line: string) => void,
): Promise<TempgrantCli> {
  const bundle = join(root, "policies", "bundle", "policy.wasm");
  if (kind === "source") {
    return {
      kind,
      program: process.execPath,
      args: ["--import", import.meta.resolve("tsx"), join(root, "src", "cli", "main.ts")],
      library: join(root, "src", "index.ts"),
      bundle,
    };
  }
  const outDir = join(root, "node_modules", ".cache", "tempgrant-bench");
  log(`compiling src/ into ${outDir} (the CLI runs as installed)...`);
  const build = await runCommand({
    program: process.execPath,
    args: [
      join(root, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      join(root, "tsconfig.build.json"),
      "--outDir",
      outDir,
      "--declaration",
      "false",
    ],
    cwd: root,
  });
  const library = join(outDir, "src", "index.js");
  // tsc emits despite type errors; work in progress elsewhere in src/ must not stop a run.
  if (build.exitCode !== 0) {
    if (!existsSync(library)) throw new Error(`tsc failed:\n${build.stdout}${build.stderr}`);
    log(
      `tsc reported type errors (emitted anyway):\n${build.stdout.trim().split("\n").slice(0, 5).join("\n")}`,
    );
  }
  // The bin as the package ships it: the bundled CLI (scripts/bundle-cli.ts).
  await bundleCli(join(outDir, "cli"));
  // The folder as an installed package, for a project that imports "tempgrant" (see makeBenchProject).
  writeFileSync(
    join(outDir, "package.json"),
    JSON.stringify({ name: "tempgrant", type: "module", exports: { ".": "./src/index.js" } }),
  );
  return {
    kind,
    program: process.execPath,
    args: [join(outDir, "cli", "main.js")],
    library,
    bundle,
  };
}

/** A bench project on disk. */
export interface BenchProject {
  readonly dir: string;
  /** The stack's working directory: where tofu runs and the local state lives. */
  readonly stackDir: string;
  /** Replaces grants/team.yaml. */
  writeGrants(grants: readonly BenchGrant[]): void;
  /** With `faults`: where the revocation script looks for its markers (see {@link makeBenchProject}). */
  readonly markers?: string;
  /** Breaks the app (`throws`, `does-not-compile`) or, with null, repairs it. */
  breakApp(kind: "throws" | "does-not-compile" | null): void;
}

/**
 * A cdktf project as a user's repo would be: cdktf.json whose app (run with tsx) declares
 * the YAML grants on a built-in target. `wrapApp` prefixes the app command (a timing wrapper).
 *
 * With `installed` (and a CLI from the build), the project is laid out as `tempgrant init`
 * makes one: node_modules holds cdktf, constructs, tsx and tempgrant (links to this
 * checkout's), the app imports them by name and its command is `node --import tsx app.ts`.
 * Otherwise the app imports them by file URL and loads tsx by file URL.
 *
 * With `faults`, every revoked grant's access is destroyed through a `removed` block with a
 * destroy provisioner (as in test/support/fault-project.ts) running `markers/revoke.sh <id>`:
 * when `markers/fail-once-<id>` exists it deletes it and fails (a target that refuses once);
 * when `markers/kill` exists it deletes it and sends the signal it names (TERM or KILL) to its
 * own process group: the sweep that runs it, with its tofu, must have a group of its own.
 */
export function makeBenchProject(
  cli: TempgrantCli,
  wrapApp: readonly string[] = [],
  options: {
    readonly faults?: boolean;
    /**
     * The PostgreSQL target through tempgrant's provider instead of the built-in one; with
     * `server`, the provider block names its host and port (else the PG* environment's).
     */
    readonly postgres?: {
      readonly privilegeRole: string;
      readonly server?: { readonly host: string; readonly port: number };
    };
    /** Laid out as an installed project (see above). */
    readonly installed?: boolean;
  } = {},
): BenchProject {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-bench-project-"));
  const markers = join(dir, "markers");
  const script = join(markers, "revoke.sh");
  if (options.faults) {
    mkdirSync(markers);
    writeFileSync(
      script,
      [
        "#!/bin/sh",
        `cd '${markers}'`,
        'if [ -e kill ]; then sig=$(cat kill); rm -f kill; kill -"$sig" 0; fi',
        'if [ -e "fail-once-$1" ]; then rm -f "fail-once-$1"; echo "the target refuses to revoke $1" >&2; exit 1; fi',
        "",
      ].join("\n"),
    );
  }
  const removedBlocks = options.faults
    ? revocationHook(script, { postgres: options.postgres !== undefined })
    : [];
  const installed = options.installed === true && cli.kind === "build";
  if (installed) {
    mkdirSync(join(dir, "node_modules"));
    for (const name of ["cdktf", "constructs", "tsx"]) {
      symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name));
    }
    symlinkSync(join(cli.library, "..", ".."), join(dir, "node_modules", "tempgrant"));
  }
  const source = [
    `import { App, LocalBackend, TerraformStack } from ${JSON.stringify(installed ? "cdktf" : import.meta.resolve("cdktf"))};`,
    `import { configureFromEnvironment, CustomTarget, PostgresqlTarget, resourceName, tempgrantProvider, YamlGrants } from ${JSON.stringify(installed ? "tempgrant" : cli.library)};`,
    "const app = new App();",
    "configureFromEnvironment(app);",
    `const stack = new TerraformStack(app, ${JSON.stringify(STACK)});`,
    'new LocalBackend(stack, { path: "terraform.tfstate" });',
    ...(options.postgres
      ? postgresTargets(options.postgres.privilegeRole, options.postgres.server)
      : builtinTarget),
    ...removedBlocks,
    "app.synth();",
    "",
  ].join("\n");
  writeFileSync(join(dir, "app.ts"), source);
  const breakApp = (kind: "throws" | "does-not-compile" | null) =>
    writeFileSync(
      join(dir, "app.ts"),
      kind === null
        ? source
        : kind === "throws"
          ? `throw new Error("broken build");\n${source}`
          : `const = ;\n${source}`,
    );
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  const app = installed
    ? [...wrapApp, "node", "--import", "tsx", "app.ts"]
    : [...wrapApp, process.execPath, "--import", import.meta.resolve("tsx"), "app.ts"];
  writeFileSync(
    join(dir, "cdktf.json"),
    JSON.stringify({ language: "typescript", app: app.map(quoteArgument).join(" ") }, null, 2),
  );
  const writeGrants = (grants: readonly BenchGrant[]): void => {
    mkdirSync(join(dir, "grants"), { recursive: true });
    const lines = ["grants:"];
    for (const grant of grants) {
      lines.push(
        `  - id: ${grant.id}`,
        `    principal: ${grant.principal ?? `${grant.id}@example.com`}`,
        `    target: ${grant.target ?? "ledger-db"}`,
        "    access: read",
        ...(grant.startsAt !== undefined ? [`    startsAt: ${formatTimestamp(grant.startsAt)}`] : []),
        `    expiresAt: ${formatTimestamp(grant.expiresAt)}`,
        "    reason: reconcile the January ledger",
        "    ticket: FIN-12",
        `    requestedBy: ${grant.principal ?? `${grant.id}@example.com`}`,
        "    approvedBy: [bob@example.com]",
        ...(grant.credential ? [`    credential: ${JSON.stringify(grant.credential)}`] : []),
      );
    }
    writeFileSync(join(dir, "grants", "team.yaml"), `${lines.join("\n")}\n`);
    // Approvals are evidence: bob signs each grant's digest with an SSH key, as in a pull request.
    approveDeclaredGrants(dir);
  };
  return {
    dir,
    stackDir: join(dir, "cdktf.out", "stacks", STACK),
    writeGrants,
    breakApp,
    ...(options.faults ? { markers } : {}),
  };
}

/** The app's lines declaring the built-in target `ledger-db` and the grants (`declared`). */
const builtinTarget = [
  "const target = new CustomTarget({",
  '  name: "ledger-db",',
  '  resources: (grant) => [{ type: "terraform_data", suffix: "access", attributes: { input: grant.principal } }],',
  "});",
  'const declared = new YamlGrants(stack, "grants", { dir: "grants", targets: [target] });',
];

/**
 * The app's lines declaring the PostgreSQL target through tempgrant's provider (connected
 * through PG*): `ledger-db` gives each grant a login role, `ledger-members` makes the
 * principal's own role (the local part of the principal) a member of a per-grant role.
 */
function postgresTargets(
  privilegeRole: string,
  server?: { readonly host: string; readonly port: number },
): string[] {
  const roles = JSON.stringify({ read: privilegeRole });
  const connection = { sslmode: "disable", ...(server ? { host: server.host, port: server.port } : {}) };
  return [
    `tempgrantProvider(stack, ${JSON.stringify(connection)});`,
    `const loginRoles = new PostgresqlTarget({ name: "ledger-db", mode: "login-role", privilegeRoles: ${roles} });`,
    "const members = new PostgresqlTarget({",
    '  name: "ledger-members",',
    '  mode: "membership",',
    `  privilegeRoles: ${roles},`,
    '  principalRole: (principal) => principal.split("@")[0] ?? principal,',
    "});",
    'const declared = new YamlGrants(stack, "grants", { dir: "grants", targets: [loginRoles, members] });',
  ];
}

/**
 * Lines of a project's app.ts (after `const declared = new YamlGrants(stack, ...)`) that
 * destroy the access of every grant that is not active through a `removed` block (OpenTofu
 * 1.9+) with a local-exec destroy provisioner running `sh <script> <grant id>`: a hook into
 * the middle of a revocation, for fault injection. A destroy provisioner on the resource
 * itself would never run: the sweep revokes by leaving the grant out of the configuration.
 */
export function revocationHook(script: string, options: { readonly postgres?: boolean } = {}): string[] {
  // On the PostgreSQL target (see postgresTargets), the access is the grant's role or membership.
  const from = options.postgres
    ? '        from: `${grant.grant.target === "ledger-members" ? "tempgrant_postgresql_membership" : "tempgrant_postgresql_login_role"}.${resourceName(grant.grant.id)}`,'
    : '        from: `terraform_data.${resourceName(grant.grant.id, "access")}`,';
  return [
    "const removed = declared.grants.flatMap((grant) =>",
    '  grant.grant && grant.status !== "active"',
    "    ? [{",
    from,
    "        lifecycle: { destroy: true },",
    `        provisioner: [{ "local-exec": { when: "destroy", command: \`sh ${script} \${grant.grant.id}\` } }],`,
    "      }]",
    "    : [],",
    ");",
    'if (removed.length > 0) stack.addOverride("removed", removed);',
  ];
}

/** Quotes one argument for cdktf.json's app command (split by shell-quote, never run by a shell). */
function quoteArgument(part: string): string {
  return /^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", "'\\''")}'`;
}

/** Runs `tempgrant sweep` on a project at `now`, the clock given only by `--now`, as a scheduler would. */
export function sweepProject(
  cli: TempgrantCli,
  projectDir: string,
  now: number,
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  return runCommand({
    program: cli.program,
    args: [...cli.args, "sweep", "--chdir", projectDir, "--now", formatTimestamp(now), ...extra],
    env: { ...process.env, NO_COLOR: "1", TEMPGRANT_NOW: "", ...env },
    timeoutMs: 120_000,
  });
}

/** A ledger event as a test reads it. */
export type LedgerEventFields = Record<string, unknown> & { type: string };

/** Reads a ledger's events: each call returns those appended since the one before. */
export function ledgerTail(file: string): () => Promise<LedgerEventFields[]> {
  let seen = 0;
  return async () => {
    const all = (await readLedger(file)).map((entry) => entry.event as unknown as LedgerEventFields);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
}

/**
 * The ids of the grants whose resources are in the stack's real state right now, read from
 * the local backend's state file (what tofu wrote last). A grant counts while its record or
 * any resource it owns (`tempgrant_grant.grant_<id>`, `terraform_data.grant_<id>_access`, the PostgreSQL
 * target's `tempgrant_postgresql_login_role.grant_<id>` or `..._membership.grant_<id>`) is there.
 */
export function grantsInState(stackDir: string): Set<string> {
  const file = join(stackDir, "terraform.tfstate");
  const present = new Set<string>();
  if (!existsSync(file)) return present;
  const state = JSON.parse(readFileSync(file, "utf8")) as {
    resources?: { mode?: string; type?: string; name?: string }[];
  };
  for (const resource of state.resources ?? []) {
    if (resource.mode !== "managed") continue;
    if (!STATE_TYPES.has(resource.type ?? "")) continue;
    const match = /^grant_(.+?)(_access)?$/.exec(resource.name ?? "");
    if (match?.[1]) present.add(match[1].replaceAll("_", "-"));
  }
  return present;
}

/** The resource types by which a grant counts as present in the state. */
const STATE_TYPES = new Set([
  "terraform_data",
  "tempgrant_grant",
  "tempgrant_postgresql_login_role",
  "tempgrant_postgresql_membership",
]);

/** The median of a list (upper median for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}
