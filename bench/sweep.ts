// Sweep benchmark: apply N grants, then one `tempgrant sweep --now T` after every expiry,
// which revokes all N. Reports the sweep's wall time split into its phases, and how much of
// it is tempgrant's own: the wall time of the sweep process minus the wall time of every
// tofu/terraform process it started, the cdktf app included in ours. Each tofu child is
// timed by a bash wrapper (EPOCHREALTIME around the real command), so the wrapper's own
// start-up and the spawning count as ours, not the child's.
// Variants, interleaved run by run on the same machine: `before` runs the app through tsx as
// written (its command prefixed by the timing wrapper, which tempgrant does not compile) and
// initialises the stack (its init stamp removed), as sweeps did before the app was compiled;
// `full` is a full sweep now (`--full`): the app compiled (cached by the setup's synth) and
// init skipped (the setup's init, with the same engine, left a current stamp); `fast` is a
// scheduled sweep after a full one that left nothing to do (the setup runs it, before the
// expiries): the fast path, the app not run, the expired grants revoked from the state.
// `--target postgresql` puts the grants on a throwaway PostgreSQL server through tempgrant's
// provider (a login role each) instead of built-in terraform_data resources: both variants
// then check every revoked role inside the database after the apply.
// Usage: npm run bench:sweep [-- --grants 100,1000 --runs 3 --cli build|source --variants full,fast
//   --target builtin|postgresql]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { synthApp } from "../src/check/synth-app.js";
import { runCommand } from "../src/exec/run-command.js";
import { formatTimestamp } from "../src/grant/index.js";
import { apply, engineEnvironment, init, plan, resolveEngine } from "../src/runner/index.js";
import { FAST_PATH_MAX_REVOCATIONS } from "../src/sweep/sweep-base.js";
import { scramVerifier } from "../src/targets/postgresql/scram-verifier.js";
import { adminQuery, libpqEnvironment } from "../src/testing/postgres-access.js";
import { startThrowawayPostgres } from "../src/testing/throwaway-postgres.js";
import { makeBenchProject, median, tempgrantCli, type BenchGrant } from "./sweep-project.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? (args[index + 1] as string) : fallback;
};
const sizes = option("--grants", "100,1000").split(",").map(Number);
const runs = Number(option("--runs", "3"));
const cliKind = option("--cli", "build") === "source" ? "source" : "build";
const VARIANTS = ["before", "full", "fast"] as const;
type Variant = (typeof VARIANTS)[number];
const variants = option("--variants", "full,fast")
  .split(",")
  .filter((name): name is Variant => (VARIANTS as readonly string[]).includes(name));
const target = option("--target", "builtin") === "postgresql" ? "postgresql" : "builtin";
const log = (line: string) => process.stderr.write(`[bench:sweep] ${line}\n`);

/** The PostgreSQL target's server (PG* for the provider and the sweep's check) and privilege role. */
interface PostgresTarget {
  readonly env: NodeJS.ProcessEnv;
  readonly privilegeRole: string;
}
/** Numbers each sample's grants: roles are global to the server, and a failed sample may leave some. */
let samplesTaken = 0;

const PHASES = ["synth", "init", "plan", "check", "apply", "verify"] as const;
type Phase = (typeof PHASES)[number];

/** One child process of the sweep, as its wrapper logged it. */
interface Child {
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

/** One measured sweep. */
interface Sample {
  readonly wall: number;
  readonly phases: Record<Phase, number>;
  /** Seconds inside child processes, per phase. */
  readonly children: Record<Phase, number>;
  readonly childCount: number;
  readonly revoked: number;
  /** tofu invocations (children other than the app). */
  readonly tofuCount: number;
  /** The sweep took the fast path. */
  readonly fast: boolean;
  /** Seconds the app's process ran (before: its wrapper's timing; full: the synth phase; fast: 0). */
  readonly app: number;
}

/** A bash script that runs `command` and logs `<label> <start> <end>` (epoch seconds, µs). */
function wrapperScript(label: string, command: string): string {
  return [
    "#!/bin/bash",
    `label=${label}`,
    "start=$EPOCHREALTIME",
    command,
    "code=$?",
    'printf "%s %s %s\\n" "$label" "$start" "$EPOCHREALTIME" >> "${TEMPGRANT_BENCH_TIMINGS:-/dev/null}"',
    "exit $code",
    "",
  ].join("\n");
}

/**
 * The phase a child's time belongs to, from its kind and what ran before it. On the fast
 * path, the first `state pull` is its check against the last full sweep, timed as `synth`.
 */
function phaseOf(child: Child, seen: { plan: boolean; apply: boolean; pulls: number; fast: boolean }): Phase {
  if (child.label === "tofu-state") seen.pulls += 1;
  if (seen.fast && child.label === "tofu-state" && seen.pulls === 1) return "synth";
  switch (child.label) {
    case "synth":
      return "synth";
    case "tofu-init":
      return "init";
    case "tofu-apply":
      seen.apply = true;
      return "apply";
    case "tofu-plan":
    case "tofu-show":
      seen.plan = true;
      return seen.apply ? "verify" : "plan";
    default:
      // `state pull`: the serial before (with init), and after (with verify).
      return seen.plan ? "verify" : "init";
  }
}

async function sample(
  variant: Variant,
  count: number,
  cli: Awaited<ReturnType<typeof tempgrantCli>>,
  wrappers: { app: string; tofu: string },
  timings: string,
  postgres: PostgresTarget | undefined,
): Promise<Sample> {
  const project = makeBenchProject(cli, variant === "before" ? [wrappers.app, "synth"] : [], {
    installed: true,
    ...(postgres ? { postgres: { privilegeRole: postgres.privilegeRole } } : {}),
  });
  samplesTaken += 1;
  const credential = postgres ? scramVerifier("bench-password") : undefined;
  try {
    // Grants start now and expire an hour later, a second apart; tofu's own clock
    // (plantimestamp, in each record's precondition) must be before every expiry at apply.
    const t0 = Math.floor(Date.now() / 1000);
    const width = String(count).length;
    const grants: BenchGrant[] = Array.from({ length: count }, (_, i) => ({
      id: `b${postgres ? samplesTaken : ""}-${String(i + 1).padStart(width, "0")}`,
      expiresAt: t0 + 3_600 + i,
      ...(credential ? { credential } : {}),
    }));
    project.writeGrants(grants);
    log(`  applying ${count} grants...`);
    await synthApp({ projectDir: project.dir, outdir: "cdktf.out", now: formatTimestamp(t0) });
    // The engine the sweep runs (the wrapper), so the init stamp is the sweep's.
    const engine = { ...resolveEngine(), binary: wrappers.tofu };
    const workspace = {
      engine,
      workingDir: project.stackDir,
      lockTimeout: "60s",
      ...(postgres ? { env: postgres.env } : {}),
    };
    await init(workspace);
    await apply(workspace, (await plan(workspace, { out: "setup.tfplan" })).planFile);
    if (variant === "before") rmSync(join(project.stackDir, ".terraform", "tempgrant-init.sha256"));
    const sweepAt = async (at: number, extra: readonly string[]) =>
      runCommand({
        program: cli.program,
        args: [
          ...cli.args,
          "sweep",
          "--chdir",
          project.dir,
          "--now",
          formatTimestamp(at),
          "--json",
          ...extra,
        ],
        env: {
          ...process.env,
          NO_COLOR: "1",
          TEMPGRANT_NOW: "",
          TEMPGRANT_ENGINE_BINARY: wrappers.tofu,
          TEMPGRANT_BENCH_TIMINGS: timings,
          ...postgres?.env,
        },
      });
    if (variant === "fast") {
      // The scheduled sweep before the expiries: a full one, which lays the fast path's base.
      log("  the full sweep before the expiries...");
      const first = await sweepAt(t0 + 60, []);
      if (first.exitCode !== 0) throw new Error(`the first sweep exited ${first.exitCode}:\n${first.stderr}`);
    }

    writeFileSync(timings, "");
    log(`  sweeping ${count} grants...`);
    const started = performance.now();
    const result = await sweepAt(t0 + 3_600 + count + 60, variant === "fast" ? [] : ["--full"]);
    const wall = (performance.now() - started) / 1000;
    if (result.exitCode !== 0) throw new Error(`sweep exited ${result.exitCode}:\n${result.stderr}`);
    const event = JSON.parse(result.stdout) as {
      revoked: unknown[];
      verified: boolean;
      targetChecks?: { method: string; ok: boolean }[];
      phases: Record<Phase, number>;
      path?: string;
    };
    // Past FAST_PATH_MAX_REVOCATIONS grants expired at once, the fast variant's sweep runs the app.
    const fastExpected = variant === "fast" && count <= FAST_PATH_MAX_REVOCATIONS;
    if ((event.path === "state") !== fastExpected) {
      throw new Error(`the ${variant} sweep took the ${event.path ?? "full"} path:\n${result.stderr}`);
    }
    if (event.revoked.length !== count || !event.verified) {
      throw new Error(`the sweep revoked ${event.revoked.length} of ${count} (verified: ${event.verified})`);
    }
    const checkedInDatabase = (event.targetChecks ?? []).filter((check) => check.method === "postgresql");
    if (postgres && (checkedInDatabase.length !== count || !checkedInDatabase.every((check) => check.ok))) {
      throw new Error(`the sweep checked ${checkedInDatabase.length} of ${count} roles in the database`);
    }
    const children = readFileSync(timings, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" "))
      .map(([label, start, end]) => ({ label: label ?? "", start: Number(start), end: Number(end) }))
      .sort((a, b) => a.start - b.start);
    children.forEach((child, i) => {
      const previous = children[i - 1];
      if (previous && child.start < previous.end) throw new Error("child processes overlapped");
    });
    const inChildren = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as Record<Phase, number>;
    const seen = { plan: false, apply: false, pulls: 0, fast: fastExpected };
    for (const child of children) inChildren[phaseOf(child, seen)] += child.end - child.start;
    const appChild = children.find((child) => child.label === "synth");
    return {
      wall,
      phases: event.phases,
      children: inChildren,
      childCount: children.length,
      revoked: count,
      tofuCount: children.filter((child) => child.label !== "synth").length,
      fast: fastExpected,
      app: appChild ? appChild.end - appChild.start : fastExpected ? 0 : event.phases.synth,
    };
  } finally {
    rmSync(project.dir, { recursive: true, force: true });
  }
}

/**
 * What the wrapper adds to each child, counted as ours: the wall time of `timed x /bin/true`
 * minus that of `/bin/true`, both spawned from here (median of 20 pairs).
 */
async function wrapperOverhead(wrapper: string): Promise<number> {
  const wall = async (program: string, argv: string[]) => {
    const started = performance.now();
    await runCommand({ program, args: argv });
    return (performance.now() - started) / 1000;
  };
  const differences: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    differences.push((await wall(wrapper, ["calibration", "/bin/true"])) - (await wall("/bin/true", [])));
  }
  return median(differences);
}

async function main(): Promise<void> {
  const engine = resolveEngine();
  const version = JSON.parse(
    (
      await runCommand({
        program: engine.binary,
        args: ["version", "-json"],
        env: engineEnvironment({ engine, workingDir: ".", lockTimeout: "0s" }),
      })
    ).stdout,
  ) as { terraform_version?: string };
  const engineVersion = `${engine.kind} ${version.terraform_version ?? "?"}`;
  const cli = await tempgrantCli(cliKind, log);
  const server = target === "postgresql" ? await startThrowawayPostgres({ onProgress: log }) : undefined;
  const postgres: PostgresTarget | undefined = server && {
    env: libpqEnvironment(server),
    privilegeRole: "ledger_read",
  };
  if (server && postgres) await adminQuery(server, `create role ${postgres.privilegeRole} nologin`);
  const scratch = mkdtempSync(join(tmpdir(), "tempgrant-bench-sweep-"));
  const wrappers = { app: join(scratch, "timed"), tofu: join(scratch, "tofu-timed") };
  // The app wrapper takes its label first (`timed synth node ...`); tofu's is its subcommand.
  writeFileSync(wrappers.app, wrapperScript('"$1"; shift', '"$@"'), { mode: 0o755 });
  writeFileSync(wrappers.tofu, wrapperScript('"tofu-$1"', `${JSON.stringify(engine.binary)} "$@"`), {
    mode: 0o755,
  });
  const timings = join(scratch, "timings.txt");
  const overhead = await wrapperOverhead(wrappers.app);
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(" ");
  console.log(
    `${cpus().length} cpus, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${engineVersion}; ` +
      `CLI from ${cli.kind}; grants on ${target === "postgresql" ? "PostgreSQL (a login role each, checked in the database)" : "built-in terraform_data"}; load average at start ${load()}`,
  );
  console.log(
    `the timing wrapper costs ${(overhead * 1000).toFixed(1)} ms a child (median of 20), counted as ours; ` +
      `sweeps revoking N grants; of ${runs} runs of each variant (interleaved), the one with the median wall time is shown; ` +
      "ours = wall - tofu - app; share = (wall - tofu) / wall, the app included",
  );
  console.log("| grants | variant | step | wall s | in tofu s | app s | ours s |");
  console.log("| ---: | --- | --- | ---: | ---: | ---: | ---: |");
  try {
    for (const count of sizes) {
      const samples = new Map<Variant, Sample[]>(variants.map((variant) => [variant, []]));
      for (let run = 0; run < runs; run += 1) {
        for (const variant of variants) {
          log(`${count} grants, ${variant}, run ${run + 1}/${runs}`);
          samples.get(variant)?.push(await sample(variant, count, cli, wrappers, timings, postgres));
        }
      }
      for (const variant of variants) {
        const all = samples.get(variant) ?? [];
        const wallMedian = median(all.map((s) => s.wall));
        const shown = all.find((s) => s.wall === wallMedian) ?? all[0];
        if (!shown) continue;
        const row = (step: string, wall: number, tofu: number, app: number) =>
          console.log(
            `| ${count} | ${variant} | ${step} | ${wall.toFixed(2)} | ${tofu.toFixed(2)} | ${app.toFixed(2)} | ${(wall - tofu - app).toFixed(2)} |`,
          );
        let phaseTotal = 0;
        for (const phase of PHASES) {
          // The app is the synth phase's child in `before`; its tofu child, on the fast path, the check.
          const synth = phase === "synth";
          const appChild = synth && variant === "before";
          row(
            synth && shown.fast
              ? "synth (fast path: the check, no app)"
              : synth && variant === "fast"
                ? `synth (over ${FAST_PATH_MAX_REVOCATIONS} expired: the app ran)`
                : phase,
            shown.phases[phase],
            appChild ? 0 : shown.children[phase],
            synth ? shown.app : 0,
          );
          phaseTotal += shown.phases[phase];
        }
        row("other: start-up, ledger, listing, output", shown.wall - phaseTotal, 0, 0);
        const tofu = (s: Sample) =>
          PHASES.reduce(
            (sum, phase) => sum + (phase === "synth" && variant === "before" ? 0 : s.children[phase]),
            0,
          );
        row(`whole process (${shown.tofuCount} tofu runs)`, shown.wall, tofu(shown), shown.app);
        const share = (s: Sample) => (100 * (s.wall - tofu(s))) / s.wall;
        console.log(
          `| ${count} | ${variant} | **our share, app included** | | | | **${share(shown).toFixed(1)}%** (runs: ${all.map((s) => `${share(s).toFixed(1)}%`).join(", ")}) |`,
        );
      }
    }
    console.log(`load average at end ${load()}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await server?.stop();
  }
}

await main();
