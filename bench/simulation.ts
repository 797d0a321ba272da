// A day of virtual time: hundreds of grants with seeded random windows, `tempgrant apply`
// as their starts come, `tempgrant sweep --now T` every interval, the real state read after
// every command, and for each grant how long its resources outlived its expiry.
// The CLI entry is bench/simulate-day.ts; test/integration/simulation.test.ts runs a small one.
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startInOwnGroup, type CommandResult } from "../src/exec/run-command.js";
import { formatTimestamp } from "../src/grant/index.js";
import {
  startPostgresSimulation,
  type PostgresFigures,
  type PostgresSimulation,
} from "./simulation-postgres.js";
import {
  grantsInState,
  makeBenchProject,
  median,
  type BenchGrant,
  type BenchProject,
  type TempgrantCli,
} from "./sweep-project.js";

/** What to simulate. */
export interface SimulationOptions {
  /** How many grants; their windows are spread over the day. */
  readonly grants: number;
  /** Minutes between two sweeps. */
  readonly intervalMinutes: number;
  /** Length of the virtual day, in hours. */
  readonly hours: number;
  /** Seed of the grant windows: the same seed gives the same windows. */
  readonly seed: number;
  readonly cli: TempgrantCli;
  /** The virtual day's start (epoch seconds); default the next UTC midnight at least an hour away. */
  readonly dayStart?: number;
  readonly onProgress?: (line: string) => void;
  /** Keep the project folder (its state and ledger) instead of deleting it. */
  readonly keep?: boolean;
  /** Faults to inject; none when absent. The bound becomes two intervals. Built-in target only. */
  readonly faults?: FaultOptions;
  /**
   * `builtin` (default): terraform_data resources. `postgresql`: a throwaway PostgreSQL and
   * tempgrant's provider (bench/simulation-postgres.ts), with logins attempted after every sweep.
   */
  readonly target?: "builtin" | "postgresql";
  /** With `postgresql`: every n-th grant is in membership mode (default 5; 0: none). */
  readonly membershipEvery?: number;
}

/**
 * Faults of the simulated day. A fault never strikes the sweep right after a failed one (a
 * fault model: the figures bound recovery from one fault, see BENCHMARKS.md).
 */
export interface FaultOptions {
  /** Share of sweeps killed mid-apply (half SIGTERM, half SIGKILL of the sweep's process group). */
  readonly killShare: number;
  /** Share of grants whose first destroy fails (the target refuses once). */
  readonly failOnceShare: number;
  /** The hour (from the day's start) during which the app is broken (throws, then does not compile); none when absent. */
  readonly brokenHour?: number;
}

/** A grant of the simulation with what was observed of it. */
export interface SimulatedGrant extends BenchGrant {
  readonly startsAt: number;
  /** The instant of the apply that created it; null when none did. */
  appliedAt: number | null;
  /** The instant of the command after which its resources were gone; null while they remain. */
  removedAt: number | null;
  removedBy: "sweep" | "apply" | null;
}

/** What the simulation found. */
export interface SimulationResult {
  readonly dayStart: number;
  readonly intervalSeconds: number;
  readonly grants: readonly SimulatedGrant[];
  readonly sweeps: number;
  readonly applies: number;
  /** Seconds each grant's resources stayed in the state after its expiry, per grant that had any. */
  readonly stayedSeconds: readonly { readonly id: string; readonly seconds: number }[];
  readonly maxStayed: { readonly id: string; readonly seconds: number } | null;
  readonly medianStayedSeconds: number;
  /** Wall seconds of each sweep process, spawn to exit. */
  readonly sweepWallSeconds: readonly number[];
  readonly applyWallSeconds: readonly number[];
  /** Per sweep, the seconds of each phase, from its --json event. */
  readonly sweepPhases: readonly Readonly<Record<string, number>>[];
  readonly wallSeconds: number;
  /** Everything that went wrong: a failed command, a bound exceeded, an early or unreported revocation. */
  readonly problems: readonly string[];
  /** Exit codes per command kind (`sweep 0`, `apply 1`, `sweep SIGKILL`). */
  readonly exits: Readonly<Record<string, number>>;
  /** What PostgreSQL said, on the postgresql target. */
  readonly postgres?: PostgresFigures;
  /** What the faults did, when injected. */
  readonly faultCounts?: {
    readonly killed: number;
    readonly failedOnce: number;
    readonly degradedSweeps: number;
    readonly failedApplies: number;
    /** Grants whose whole window fell where no apply could create them (the broken hour). */
    readonly neverApplied: number;
    readonly exits: Readonly<Record<string, number>>;
  };
}

const MINUTE = 60;
const HOUR = 3_600;

/** A small seeded generator (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The grants' windows over a day of `hours` from `dayStart`: durations log-uniform from 5
 * minutes to min(4 hours, half the day), starts uniform, at any second, such that every
 * grant expires before the day ends (the last sweep, at the day's end, is due to revoke it).
 */
export function grantWindows(count: number, hours: number, seed: number, dayStart: number): SimulatedGrant[] {
  const random = seededRandom(seed);
  const day = hours * HOUR;
  const shortest = 5 * MINUTE;
  const longest = Math.max(shortest + 1, Math.min(4 * HOUR, day / 2));
  const width = String(count).length;
  const grants: SimulatedGrant[] = [];
  for (let i = 0; i < count; i += 1) {
    const duration = Math.round(shortest * (longest / shortest) ** random());
    const start = 1 + Math.floor(random() * (day - duration - 1));
    grants.push({
      id: `g-${String(i + 1).padStart(width, "0")}`,
      startsAt: dayStart + start,
      expiresAt: dayStart + start + duration,
      appliedAt: null,
      removedAt: null,
      removedBy: null,
    });
  }
  return grants;
}

/** One command of the virtual day, at one instant. */
interface Command {
  readonly at: number;
  readonly kind: "sweep" | "apply";
}

/**
 * When merges are applied: as grants start, in batches. A batch holds grants that start
 * within one sweep interval and is applied at its last grant's start, so every grant of the
 * batch is active then (a grant that would expire first starts a new batch). Every grant is
 * therefore created by some apply, at most one interval after it starts.
 */
export function applyInstants(
  grants: readonly SimulatedGrant[],
  dayStart: number,
  interval: number,
): number[] {
  const sorted = [...grants].sort((a, b) => a.startsAt - b.startsAt);
  const instants: number[] = [];
  let batch: { tick: number; at: number; earliestExpiry: number } | undefined;
  for (const grant of sorted) {
    const tick = Math.floor((grant.startsAt - dayStart) / interval);
    if (batch && batch.tick === tick && grant.startsAt < batch.earliestExpiry) {
      batch.at = grant.startsAt;
      batch.earliestExpiry = Math.min(batch.earliestExpiry, grant.expiresAt);
      continue;
    }
    if (batch) instants.push(batch.at);
    batch = { tick, at: grant.startsAt, earliestExpiry: grant.expiresAt };
  }
  if (batch) instants.push(batch.at);
  return instants;
}

/** The next UTC midnight at least an hour from now: the virtual day must lie ahead of tofu's own clock. */
function nextDayStart(): number {
  const day = 24 * HOUR;
  return Math.ceil((Date.now() / 1000 + HOUR) / day) * day;
}

/** Runs the simulation; see the file comment. Never throws for what it measures: see `problems`. */
export async function simulateDay(options: SimulationOptions): Promise<SimulationResult> {
  const progress = options.onProgress ?? (() => {});
  const interval = options.intervalMinutes * MINUTE;
  const day = options.hours * HOUR;
  if (!Number.isInteger(day / interval) || interval <= 0) {
    throw new Error(`the interval (${options.intervalMinutes} min) must divide the day (${options.hours} h)`);
  }
  const dayStart = options.dayStart ?? nextDayStart();
  const grants = grantWindows(options.grants, options.hours, options.seed, dayStart);
  const byId = new Map(grants.map((grant) => [grant.id, grant]));
  // With faults, two more sweeps after the day: the last ones may be struck too.
  const commands: Command[] = [
    ...Array.from({ length: day / interval + (options.faults ? 2 : 0) }, (_, k) => ({
      at: dayStart + (k + 1) * interval,
      kind: "sweep" as const,
    })),
    ...applyInstants(grants, dayStart, interval).map((at) => ({ at, kind: "apply" as const })),
  ].sort((a, b) => a.at - b.at || (a.kind === "sweep" ? -1 : 1));

  const faults = options.faults;
  let database: PostgresSimulation | undefined;
  if (options.target === "postgresql") {
    progress("starting a throwaway PostgreSQL...");
    database = await startPostgresSimulation({
      boundSeconds: (faults ? 2 : 1) * interval,
      membershipEvery: options.membershipEvery ?? 5,
      onProgress: progress,
    });
  }
  const project: BenchProject = makeBenchProject(options.cli, [], {
    faults: faults !== undefined,
    ...(database ? { postgres: { privilegeRole: database.privilegeRole } } : {}),
  });
  const random = seededRandom(options.seed * 7919 + 17);
  const markers = project.markers ?? "";
  if (faults) {
    for (const grant of grants) {
      if (random() < faults.failOnceShare) writeFileSync(join(markers, `fail-once-${grant.id}`), "");
    }
  }
  const failOnceLeft = () => readdirSync(markers).filter((name) => name.startsWith("fail-once-")).length;
  const failOnceAtStart = faults ? failOnceLeft() : 0;
  const broken = (at: number) =>
    faults?.brokenHour !== undefined &&
    at >= dayStart + faults.brokenHour * HOUR &&
    at < dayStart + (faults.brokenHour + 1) * HOUR;
  const counts = { killed: 0, degradedSweeps: 0, failedApplies: 0, exits: {} as Record<string, number> };
  let previousFailed = false;
  let failedOnce = 0;
  // A grant is declared, without its start, from the first command at or after its start, as
  // if its change were merged as it starts; it is created by the first apply from then on.
  // (Declared from the day's start with `startsAt`, every apply would fail: tempgrant's
  // provider refuses a grant record whose start is after the real clock, which is before the
  // virtual day.)
  const prepared: readonly BenchGrant[] = database ? await database.prepare(grants) : grants;
  const declareStarted = (at: number) =>
    project.writeGrants(
      prepared.filter((grant) => (grant.startsAt ?? 0) <= at).map(({ startsAt: _start, ...grant }) => grant),
    );
  const problems: string[] = [];
  const sweepWallSeconds: number[] = [];
  const applyWallSeconds: number[] = [];
  const sweepPhases: Record<string, number>[] = [];
  const clock = (at: number) => `+${formatDuration(at - dayStart)}`;
  const started = performance.now();
  let present = new Set<string>();
  try {
    for (const command of commands) {
      const now = formatTimestamp(command.at);
      const args =
        command.kind === "sweep"
          ? ["sweep", "--chdir", project.dir, "--now", now, "--json"]
          : [
              "apply",
              "--chdir",
              project.dir,
              "--now",
              now,
              "--format",
              "json",
              "--bundle",
              options.cli.bundle,
            ];
      // Faults: the app broken for an hour (first half throws, second half does not compile),
      // a sweep killed mid-apply now and then.
      let kill: "TERM" | "KILL" | undefined;
      if (faults) {
        const brokenNow = broken(command.at);
        const half = brokenNow && command.at >= dayStart + ((faults.brokenHour ?? 0) + 0.5) * HOUR;
        project.breakApp(brokenNow ? (half ? "does-not-compile" : "throws") : null);
        if (command.kind === "sweep" && !previousFailed && random() < faults.killShare) {
          kill = random() < 0.5 ? "TERM" : "KILL";
          writeFileSync(join(markers, "kill"), kill);
        }
      }
      declareStarted(command.at);
      const failOnceBefore = faults ? failOnceLeft() : 0;
      const commandStarted = performance.now();
      const result = await runInOwnGroup(options.cli.program, [...options.cli.args, ...args], database?.env);
      const wall = (performance.now() - commandStarted) / 1000;
      const killedNow = kill !== undefined && !existsSync(join(markers, "kill"));
      if (kill !== undefined && !killedNow) {
        rmSync(join(markers, "kill"), { force: true });
        kill = undefined;
      }
      const refusedNow = faults ? failOnceLeft() < failOnceBefore : false;
      const exitLabel = result.signal ? `SIG${kill ?? "?"}` : String(result.exitCode);
      counts.exits[`${command.kind} ${exitLabel}`] = (counts.exits[`${command.kind} ${exitLabel}`] ?? 0) + 1;
      if (killedNow) counts.killed += 1;
      // 0: done; 4: a sweep that revoked everything due while a started grant waits for its
      // apply; 5: a sweep that revoked from the state while the app is broken. A fault the
      // simulation injected may fail the command it struck (1, or the signal).
      const expected =
        command.kind === "sweep" ? (broken(command.at) ? [5] : [0, 4]) : broken(command.at) ? [1] : [0];
      const excused = killedNow || (refusedNow && result.exitCode === 1);
      if (!expected.includes(result.exitCode) && !excused) {
        problems.push(
          `${command.kind} at ${now} exited ${result.exitCode}: ${result.stderr.trim().split("\n").slice(-5).join(" | ")}`,
        );
      }
      if (command.kind === "sweep") previousFailed = killedNow || ![0, 4, 5].includes(result.exitCode);
      if (command.kind === "sweep" && result.exitCode === 5) counts.degradedSweeps += 1;
      if (command.kind === "apply" && result.exitCode !== 0) counts.failedApplies += 1;
      const after = grantsInState(project.stackDir);
      const removed = [...present].filter((id) => !after.has(id));
      for (const id of after) {
        const grant = byId.get(id);
        if (!grant || present.has(id)) continue;
        if (grant.appliedAt !== null) {
          problems.push(`${id} came back at ${now} after its revocation`);
        } else if (command.at < grant.startsAt) {
          problems.push(`${id} was created at ${now}, before its start ${formatTimestamp(grant.startsAt)}`);
        }
        grant.appliedAt ??= command.at;
      }
      for (const id of removed) {
        const grant = byId.get(id);
        if (!grant) continue;
        grant.removedAt = command.at;
        grant.removedBy = command.kind;
        if (command.at < grant.expiresAt) {
          problems.push(`${id} was removed at ${now}, before its expiry ${formatTimestamp(grant.expiresAt)}`);
        }
      }
      present = after;
      if (database) {
        const done = command.kind === "sweep" && [0, 4, 5].includes(result.exitCode) && !result.signal;
        problems.push(...(await database.afterCommand(command.kind, command.at, after, done)));
      }
      // A sweep that says it is done (0, 4) or revoked from the state (5) must have left no
      // expired grant behind.
      if (command.kind === "sweep" && [0, 4, 5].includes(result.exitCode) && !result.signal) {
        const behind = [...after].filter((id) => (byId.get(id)?.expiresAt ?? Infinity) <= command.at);
        if (behind.length > 0) {
          problems.push(
            `sweep at ${now} exited ${result.exitCode} leaving expired ${behind.join(",")} in the state`,
          );
        }
      }
      if (command.kind === "sweep" && !killedNow) {
        sweepWallSeconds.push(wall);
        const event = parseSweepEvent(result.stdout);
        if (event) {
          sweepPhases.push(event.phases ?? {});
          const reported = new Set(event.revoked.map((grant) => grant.id));
          const unreported = removed.filter((id) => !reported.has(id));
          const phantom = [...reported].filter((id) => !removed.includes(id));
          if (unreported.length > 0 || phantom.length > 0 || !event.verified) {
            problems.push(
              `sweep at ${now}: reported ${[...reported].join(",") || "none"}, state lost ${removed.join(",") || "none"}, verified ${event.verified}`,
            );
          }
        } else if (result.exitCode === 0 || result.exitCode === 4) {
          problems.push(`sweep at ${now}: no JSON event on stdout`);
        }
      } else {
        applyWallSeconds.push(wall);
      }
      progress(
        `${clock(command.at)} ${command.kind.padEnd(5)} ${wall.toFixed(1)} s, exit ${result.exitCode}: ` +
          `${after.size} grant(s) in state` +
          (removed.length > 0 ? `, removed ${removed.join(" ")}` : ""),
      );
    }
  } finally {
    failedOnce = faults ? failOnceAtStart - failOnceLeft() : 0;
    await database?.stop();
    if (!options.keep) rmSync(project.dir, { recursive: true, force: true });
    else progress(`project kept in ${project.dir}`);
  }

  let neverApplied = 0;
  for (const grant of grants) {
    // With the app broken, the applies of its hour fail: a grant whose whole window falls
    // before the next working apply never gets access, which is no revocation problem.
    const windowInBrokenHour =
      faults?.brokenHour !== undefined &&
      grant.startsAt < dayStart + (faults.brokenHour + 1) * HOUR + interval;
    if (
      grant.appliedAt === null &&
      windowInBrokenHour &&
      grant.expiresAt > dayStart + faults!.brokenHour! * HOUR
    ) {
      neverApplied += 1;
    } else if (grant.appliedAt === null) problems.push(`${grant.id} was never applied`);
    else if (grant.removedAt === null)
      problems.push(`${grant.id} is still in the state after the last sweep`);
  }
  const stayedSeconds = grants
    .filter((grant) => grant.removedAt !== null)
    .map((grant) => ({ id: grant.id, seconds: (grant.removedAt ?? 0) - grant.expiresAt }));
  const maxStayed = stayedSeconds.reduce<{ id: string; seconds: number } | null>(
    (max, entry) => (max === null || entry.seconds > max.seconds ? entry : max),
    null,
  );
  const bound = (faults ? 2 : 1) * interval;
  if (maxStayed && maxStayed.seconds > bound) {
    problems.push(
      `${maxStayed.id} stayed usable ${formatDuration(maxStayed.seconds)} after its expiry: more than ${faults ? "two intervals" : "one interval"} (${formatDuration(bound)})`,
    );
  }
  return {
    dayStart,
    intervalSeconds: interval,
    grants,
    sweeps: sweepWallSeconds.length,
    applies: applyWallSeconds.length,
    stayedSeconds,
    maxStayed,
    medianStayedSeconds: median(stayedSeconds.map((entry) => entry.seconds)),
    sweepWallSeconds,
    applyWallSeconds,
    sweepPhases,
    wallSeconds: (performance.now() - started) / 1000,
    problems,
    exits: counts.exits,
    ...(database ? { postgres: database.figures() } : {}),
    ...(faults
      ? {
          faultCounts: {
            ...counts,
            failedOnce,
            neverApplied,
          },
        }
      : {}),
  };
}

/**
 * Runs a command as the leader of a process group of its own (an injected kill signals that
 * group), and returns once every process of the group is gone: a tofu that outlived a killed
 * sweep is still saving its state.
 */
async function runInOwnGroup(
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CommandResult & { readonly signal: NodeJS.Signals | null }> {
  const command = startInOwnGroup({
    program,
    args,
    env: { ...process.env, ...env, NO_COLOR: "1", TEMPGRANT_NOW: "" },
  });
  const result = await command.exited;
  for (let waited = 0; command.alive() && waited < 120_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return result;
}

interface SweepJson {
  readonly revoked: readonly { readonly id: string }[];
  readonly verified: boolean;
  readonly phases?: Record<string, number>;
}

/** The sweep's --json event (one stack: one pretty-printed object), or undefined. */
function parseSweepEvent(stdout: string): SweepJson | undefined {
  try {
    return JSON.parse(stdout) as SweepJson;
  } catch {
    return undefined;
  }
}

/** Seconds as `1h 02m 03s`, `4m 05s` or `7s`. */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / HOUR);
  const m = Math.floor((whole % HOUR) / MINUTE);
  const s = whole % MINUTE;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** The result as the lines the CLI prints. */
export function describeResult(result: SimulationResult, options: SimulationOptions): string[] {
  const bySweep = result.grants.filter((grant) => grant.removedBy === "sweep").length;
  const byApply = result.grants.filter((grant) => grant.removedBy === "apply").length;
  const max = result.maxStayed;
  const maxGrant = max ? result.grants.find((grant) => grant.id === max.id) : undefined;
  const phaseNames = ["synth", "init", "plan", "check", "apply", "verify"];
  const phaseMedians = phaseNames
    .map((name) => `${name} ${median(result.sweepPhases.map((phases) => phases[name] ?? 0)).toFixed(2)}`)
    .join(", ");
  const total = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0);
  return [
    `virtual day: ${formatTimestamp(result.dayStart)} + ${options.hours} h; ${options.grants} grants (seed ${options.seed}); a sweep every ${options.intervalMinutes} min; CLI from ${options.cli.kind}; target ${options.target ?? "builtin"}`,
    `commands: ${result.sweeps} sweeps, ${result.applies} applies; wall ${formatDuration(result.wallSeconds)} ` +
      `(sweeps ${formatDuration(total(result.sweepWallSeconds))}, applies ${formatDuration(total(result.applyWallSeconds))})`,
    `revoked: ${bySweep + byApply} of ${result.grants.length} (${bySweep} by a sweep, ${byApply} by an apply of later grants)`,
    `stayed usable after expiry: max ${max ? formatDuration(max.seconds) : "n/a"}` +
      (max && maxGrant
        ? ` (${max.id}: expired ${formatTimestamp(maxGrant.expiresAt)}, removed by the ${maxGrant.removedBy} at ${formatTimestamp(maxGrant.removedAt ?? 0)})`
        : "") +
      `, median ${Number.isNaN(result.medianStayedSeconds) ? "n/a" : formatDuration(result.medianStayedSeconds)}; ` +
      (options.faults
        ? `bound with faults: two intervals (${formatDuration(2 * result.intervalSeconds)})`
        : `bound: one interval (${formatDuration(result.intervalSeconds)})`),
    ...(["sweep", "apply"] as const).map((by) => {
      const stayed = result.grants
        .filter((grant) => grant.removedBy === by)
        .map((grant) => (grant.removedAt ?? 0) - grant.expiresAt);
      return stayed.length === 0
        ? `  of those removed by ${by === "sweep" ? "a sweep" : "an apply"}: none`
        : `  of those removed by ${by === "sweep" ? "a sweep" : "an apply"}: max ${formatDuration(Math.max(...stayed))}, median ${formatDuration(median(stayed))}`;
    }),
    `wall per sweep: median ${median(result.sweepWallSeconds).toFixed(2)} s, max ${Math.max(...result.sweepWallSeconds).toFixed(2)} s; ` +
      `per apply: median ${median(result.applyWallSeconds).toFixed(2)} s`,
    `sweep phases, median s: ${phaseMedians}`,
    ...(result.postgres
      ? describePostgres(result.postgres, result.faultCounts ? undefined : result.exits)
      : []),
    ...(result.faultCounts
      ? [
          `faults: ${result.faultCounts.killed} sweep(s) killed mid-apply, ${result.faultCounts.failedOnce} destroy(s) failed once, ` +
            `${result.faultCounts.degradedSweeps} degraded sweep(s) (exit 5); ${result.faultCounts.failedApplies} failed apply(s) (the broken hour, or a destroy failing once); ` +
            `${result.faultCounts.neverApplied} grant(s) never applied (their window fell in the broken hour)`,
          `exits: ${Object.entries(result.faultCounts.exits)
            .sort()
            .map(([key, n]) => `${key} x${n}`)
            .join(", ")}`,
        ]
      : []),
    result.problems.length === 0
      ? `OK: every grant was revoked within ${options.faults ? "two intervals" : "one interval"} of its expiry` +
        (options.faults ? ", and no sweep exited 0, 4 or 5 leaving an expired grant behind" : "")
      : `FAILED (${result.problems.length} problem(s)):\n  ${result.problems.join("\n  ")}`,
  ];
}

/** The PostgreSQL figures as lines. */
function describePostgres(
  figures: PostgresFigures,
  exits: Readonly<Record<string, number>> | undefined,
): string[] {
  const max = figures.maxRoleGone;
  return [
    `PostgreSQL: ${figures.loginRoleGrants} login-role grants, ${figures.membershipGrants} in membership mode; access checked right after each apply: ${figures.activeChecks - figures.activeFailed} of ${figures.activeChecks} worked`,
    `new logins (login-role) or reads through the member (membership) after expiry, after every sweep that exited 0, 4 or 5: ${figures.attempts} attempted, ${figures.succeeded} succeeded` +
      (figures.attemptsAfterFailed > 0
        ? `; after a failed or killed sweep: ${figures.attemptsAfterFailed} attempted, ${figures.succeededAfterFailed} succeeded`
        : ""),
    `role gone after expiry (virtual, first command after which pg_roles lacks it): max ${max ? `${formatDuration(max.seconds)} (${max.id})` : "n/a"}, median ${Number.isNaN(figures.medianRoleGoneSeconds) ? "n/a" : formatDuration(figures.medianRoleGoneSeconds)}`,
    `sessions opened at apply: ${figures.sessionsChecked} checked after revocation, ${figures.sessionsSurvived} still reading; ` +
      `one bound past expiry: ${figures.sessionsLeftAfterInterval} session(s), ${figures.membershipsLeftAfterInterval} membership(s), ${figures.rolesLeftAfterInterval} role(s) left`,
    ...(exits
      ? [
          `exits: ${Object.entries(exits)
            .sort()
            .map(([key, n]) => `${key} x${n}`)
            .join(", ")}`,
        ]
      : []),
  ];
}
