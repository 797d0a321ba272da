// What the sweep benchmark and the day-long simulation share: a throwaway cdktf project of
// YAML grants on a target made of built-in terraform_data resources (no provider, local
// state), the tempgrant CLI to run against it, and a reader of its real state.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "../src/exec/run-command.js";
import { formatTimestamp } from "../src/grant/index.js";
import { bundleCli } from "../scripts/bundle-cli.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The one stack of a bench project. */
export const STACK = "grants";

/** A grant of the bench project: its id and window (epoch seconds). */
export interface BenchGrant {
  readonly id: string;
  readonly startsAt?: number;
  readonly expiresAt: number;
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
}

/**
 * A cdktf project as a user's repo would be: cdktf.json whose app (run with tsx) declares
 * the YAML grants on a built-in target. `wrapApp` prefixes the app command (a timing wrapper).
 */
export function makeBenchProject(cli: TempgrantCli, wrapApp: readonly string[] = []): BenchProject {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-bench-project-"));
  writeFileSync(
    join(dir, "app.ts"),
    [
      `import { App, LocalBackend, TerraformStack } from ${JSON.stringify(import.meta.resolve("cdktf"))};`,
      `import { configureFromEnvironment, CustomTarget, YamlGrants } from ${JSON.stringify(cli.library)};`,
      "const app = new App();",
      "configureFromEnvironment(app);",
      `const stack = new TerraformStack(app, ${JSON.stringify(STACK)});`,
      'new LocalBackend(stack, { path: "terraform.tfstate" });',
      "const target = new CustomTarget({",
      '  name: "ledger-db",',
      '  resources: (grant) => [{ type: "terraform_data", suffix: "access", attributes: { input: grant.principal } }],',
      "});",
      'new YamlGrants(stack, "grants", { dir: "grants", targets: [target] });',
      "app.synth();",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  const app = [...wrapApp, process.execPath, "--import", import.meta.resolve("tsx"), "app.ts"];
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
        `    principal: ${grant.id}@example.com`,
        "    target: ledger-db",
        "    access: read",
        ...(grant.startsAt !== undefined ? [`    startsAt: ${formatTimestamp(grant.startsAt)}`] : []),
        `    expiresAt: ${formatTimestamp(grant.expiresAt)}`,
        "    reason: reconcile the January ledger",
        "    ticket: FIN-12",
        `    requestedBy: ${grant.id}@example.com`,
        "    approvedBy: [bob@example.com]",
      );
    }
    writeFileSync(join(dir, "grants", "team.yaml"), `${lines.join("\n")}\n`);
  };
  return { dir, stackDir: join(dir, "cdktf.out", "stacks", STACK), writeGrants };
}

/** Quotes one argument for cdktf.json's app command (split by shell-quote, never run by a shell). */
function quoteArgument(part: string): string {
  return /^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", "'\\''")}'`;
}

/**
 * The ids of the grants whose resources are in the stack's real state right now, read from
 * the local backend's state file (what tofu wrote last). A grant counts while its record or
 * any resource it owns (`terraform_data.grant_<id>`, `..._access`) is there.
 */
export function grantsInState(stackDir: string): Set<string> {
  const file = join(stackDir, "terraform.tfstate");
  const present = new Set<string>();
  if (!existsSync(file)) return present;
  const state = JSON.parse(readFileSync(file, "utf8")) as {
    resources?: { mode?: string; type?: string; name?: string }[];
  };
  for (const resource of state.resources ?? []) {
    if (resource.mode !== "managed" || resource.type !== "terraform_data") continue;
    const match = /^grant_(.+?)(_access)?$/.exec(resource.name ?? "");
    if (match?.[1]) present.add(match[1].replaceAll("_", "-"));
  }
  return present;
}

/** The median of a list (upper median for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}
