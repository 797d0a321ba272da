// Provider benchmark: applying and revoking N login grants through tempgrant's own provider
// against a real (throwaway) PostgreSQL, next to the same number of built-in
// `terraform_data` resources, in the same run on the same machine.
//
// Arms, each a fresh stack with local state, driven through the runner (tofu only is timed):
// - `terraform_data`: the baseline. Per grant two built-in `terraform_data` resources written
//   with RawResource, no provider at all: one holding the grant record's attributes, one the
//   login role's (name, valid_until, member_of, verifier), depending on the first; the same
//   resource count and dependency shape as a grant.
// - `records + terraform_data`: TemporaryGrant on a CustomTarget whose access resource is a
//   `terraform_data`: the real `tempgrant_grant` records (the provider process, no database).
// - `postgresql login roles`: TemporaryGrant on a PostgresqlTarget in login-role mode: a
//   `tempgrant_grant` and a `tempgrant_postgresql_login_role` per grant, real roles.
//
// Create = `apply` of the saved plan of N grants; revoke = `apply` of the saved plan made
// after synthesizing at a clock past every expiry (the baseline: an empty stack). Plans are
// timed too, apart. After the PostgreSQL arm's revoke, the benchmark counts the run's roles
// left in the database and fails unless there are none.
// Usage: npm run bench:provider [-- --grants 100,1000 --runs 1 --parallelism default,30 --arms all]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LocalBackend, TerraformStack, type App } from "cdktf";
import pg from "pg";
import {
  CustomTarget,
  PostgresqlTarget,
  RawResource,
  synthesize,
  tempgrantProvider,
  TemporaryGrant,
} from "../src/constructs/index.js";
import { runCommand } from "../src/exec/run-command.js";
import { formatTimestamp } from "../src/grant/index.js";
import { scramVerifier } from "../src/targets/postgresql/scram-verifier.js";
import {
  apply,
  applyArgs,
  engineEnvironment,
  init,
  plan,
  planArgs,
  resolveEngine,
  type Workspace,
} from "../src/runner/index.js";
import { runEngine } from "../src/runner/workspace.js";
import { adminQuery, libpqEnvironment } from "../src/testing/postgres-access.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../src/testing/throwaway-postgres.js";
import { median } from "./sweep-project.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? (args[index + 1] as string) : fallback;
};
const sizes = option("--grants", "1000").split(",").map(Number);
const runs = Number(option("--runs", "1"));
/** `default` passes no flag (tofu's default, 10); a number passes `-parallelism=<n>`. */
const parallelisms = option("--parallelism", "default")
  .split(",")
  .map((value) => (value === "default" ? undefined : Number(value)));
const ARMS = ["terraform_data", "records + terraform_data", "postgresql login roles"] as const;
type Arm = (typeof ARMS)[number];
const ARM_KEYS: Record<string, Arm> = { data: ARMS[0], records: ARMS[1], postgresql: ARMS[2] };
const armOption = option("--arms", "all");
const arms: Arm[] =
  armOption === "all"
    ? [...ARMS]
    : armOption.split(",").map((key) => {
        const arm = ARM_KEYS[key];
        if (!arm) throw new Error(`--arms: unknown arm ${key} (data, records, postgresql, all)`);
        return arm;
      });
if (sizes.some((n) => !Number.isInteger(n) || n <= 0) || !Number.isInteger(runs) || runs <= 0) {
  console.error("usage: provider.ts [--grants 100,1000] [--runs 1] [--parallelism default,30] [--arms all]");
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`[bench:provider] ${line}\n`);

const PRIVILEGE_ROLE = "bench_read";
const STACK = "bench";

/** One measured arm: seconds in each tofu step. */
interface Sample {
  readonly createPlan: number;
  readonly create: number;
  readonly revokePlan: number;
  readonly revoke: number;
  /** PostgreSQL arm: roles of the run after create, and left after revoke. */
  readonly rolesCreated?: number;
  readonly rolesLeft?: number;
}

/** Roles whose names start with `prefix` (LIKE wildcards in it are escaped). */
async function countRoles(server: ThrowawayPostgres, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await adminQuery<{ n: string }>(
    server,
    "select count(*) as n from pg_roles where rolname like $1",
    [pattern],
  );
  return Number(rows[0]?.n ?? -1);
}

/** `plan -out` through the runner; with a parallelism, the runner's argv plus the flag. */
async function timedPlan(
  workspace: Workspace,
  out: string,
  parallelism: number | undefined,
): Promise<number> {
  const started = performance.now();
  if (parallelism === undefined) await plan(workspace, { out });
  else await runEngine(workspace, [...planArgs(workspace, { out }), `-parallelism=${parallelism}`], [0, 2]);
  return (performance.now() - started) / 1000;
}

async function timedApply(
  workspace: Workspace,
  out: string,
  parallelism: number | undefined,
): Promise<number> {
  const planFile = join(workspace.workingDir, out);
  const started = performance.now();
  if (parallelism === undefined) await apply(workspace, planFile);
  else {
    const argv = applyArgs(workspace, planFile);
    await runEngine(workspace, [...argv.slice(0, -1), `-parallelism=${parallelism}`, planFile]);
  }
  return (performance.now() - started) / 1000;
}

/** Declares the arm's stack: N grants at clock `now` (the baseline: N pairs, or none). */
function declare(
  arm: Arm,
  count: number,
  tag: string,
  expiresAt: number,
  verifier: string,
  baselineEmpty: boolean,
): (app: App) => void {
  const width = String(count).length;
  const id = (i: number) => `${tag}-${String(i + 1).padStart(width, "0")}`;
  const spec = (i: number) => ({
    principal: `user${i}@example.com`,
    access: "read",
    expiresAt: formatTimestamp(expiresAt),
    reason: "provider benchmark",
    ticket: `BENCH-${i}`,
    requestedBy: `user${i}@example.com`,
    approvedBy: ["approver@example.com"],
  });
  return (app) => {
    const stack = new TerraformStack(app, STACK);
    new LocalBackend(stack, { path: "terraform.tfstate" });
    if (arm === "terraform_data") {
      if (baselineEmpty) return;
      for (let i = 0; i < count; i += 1) {
        const name = `grant_${id(i).replaceAll("-", "_")}`;
        const record = new RawResource(stack, `${name}_record`, {
          type: "terraform_data",
          name,
          attributes: {
            input: { grant_id: id(i), target: "orders-db", binding: "login-role", ...spec(i) },
          },
        });
        new RawResource(stack, `${name}_role`, {
          type: "terraform_data",
          name: `${name}_role`,
          attributes: {
            input: {
              name: `tg_${id(i).replaceAll("-", "_")}`,
              valid_until: formatTimestamp(expiresAt),
              member_of: [PRIVILEGE_ROLE],
              scram_verifier: verifier,
            },
          },
          dependsOn: [record],
        });
      }
      return;
    }
    const target =
      arm === "postgresql login roles"
        ? new PostgresqlTarget({
            name: "orders-db",
            mode: "login-role",
            privilegeRoles: { read: PRIVILEGE_ROLE },
          })
        : new CustomTarget({
            name: "orders-db",
            resources: (grant) => [
              {
                type: "terraform_data",
                suffix: "access",
                attributes: {
                  input: {
                    name: `tg_${grant.id.replaceAll("-", "_")}`,
                    valid_until: formatTimestamp(grant.expiresAt),
                    member_of: [PRIVILEGE_ROLE],
                    scram_verifier: verifier,
                  },
                },
              },
            ],
          });
    tempgrantProvider(stack, arm === "postgresql login roles" ? { sslmode: "disable" } : {});
    for (let i = 0; i < count; i += 1) {
      new TemporaryGrant(stack, id(i), {
        ...spec(i),
        target,
        ...(arm === "postgresql login roles" ? { credential: verifier } : {}),
      });
    }
  };
}

async function sample(
  arm: Arm,
  count: number,
  parallelism: number | undefined,
  server: ThrowawayPostgres,
  verifier: string,
): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), "tempgrant-bench-provider-"));
  // A tag per sample, so each run's roles have their own names (tg_<tag>_<n>).
  const tag = `p${Math.random().toString(36).slice(2, 8)}`;
  try {
    const t0 = Math.floor(Date.now() / 1000);
    const expiresAt = t0 + 3_600;
    const stacks = synthesize({
      outdir: join(dir, "out"),
      now: t0,
      declare: declare(arm, count, tag, expiresAt, verifier, false),
    });
    const workingDir = stacks[STACK];
    if (!workingDir) throw new Error("no stack synthesized");
    const workspace: Workspace = {
      engine: resolveEngine(),
      workingDir,
      lockTimeout: "60s",
      ...(arm === "postgresql login roles" ? { env: libpqEnvironment(server) } : {}),
    };
    await init(workspace);
    const createPlan = await timedPlan(workspace, "create.tfplan", parallelism);
    const create = await timedApply(workspace, "create.tfplan", parallelism);
    const isPostgres = arm === "postgresql login roles";
    const rolesCreated = isPostgres ? await countRoles(server, `tg_${tag}_`) : undefined;
    if (isPostgres && rolesCreated !== count) throw new Error(`created ${rolesCreated} roles, not ${count}`);

    // Revoke: the same stack synthesized past every expiry (same outdir, same state).
    synthesize({
      outdir: join(dir, "out"),
      now: expiresAt + 60,
      declare: declare(arm, count, tag, expiresAt, verifier, true),
    });
    const revokePlan = await timedPlan(workspace, "revoke.tfplan", parallelism);
    const revoke = await timedApply(workspace, "revoke.tfplan", parallelism);
    const rolesLeft = isPostgres ? await countRoles(server, `tg_${tag}_`) : undefined;
    if (isPostgres) log(`    roles tg_${tag}_%: ${rolesCreated} after create, ${rolesLeft} after revoke`);
    if (isPostgres && rolesLeft !== 0) throw new Error(`${rolesLeft} roles of the run remain after revoke`);
    return { createPlan, create, revokePlan, revoke, rolesCreated, rolesLeft };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median ms of one SCRAM password login (connect, `select 1`, close) from node, 50 in a row. */
async function connectionFloor(server: ThrowawayPostgres): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    const started = performance.now();
    const client = new pg.Client({ ...server });
    await client.connect();
    await client.query("select 1");
    await client.end();
    times.push(performance.now() - started);
  }
  return median(times);
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
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(" ");
  const server = await startThrowawayPostgres({ onProgress: (line) => log(line) });
  try {
    await adminQuery(server, `create role "${PRIVILEGE_ROLE}" nologin`);
    const serverVersion = (
      await adminQuery<{ v: string }>(server, "select current_setting('server_version') as v")
    )[0]?.v;
    const databases = (
      await adminQuery<{ datname: string }>(
        server,
        "select datname from pg_database where datallowconn order by 1",
      )
    ).map((row) => row.datname);
    const floor = await connectionFloor(server);
    // One verifier for every role: its PBKDF2 is computed once, here, not per grant.
    const verifier = scramVerifier("bench-password");
    console.log(
      `${cpus().length} cpus (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
        `${execFileSync("uname", ["-m"], { encoding: "utf8" }).trim()}, node ${process.version}, ` +
        `${engine.kind} ${version.terraform_version ?? "?"}, PostgreSQL ${serverVersion} (throwaway, fsync off)`,
    );
    console.log(
      `databases accepting connections: ${databases.join(", ")}; one SCRAM login from node ` +
        `(connect, select 1, close): ${floor.toFixed(1)} ms (median of 50); load average at start ${load()}`,
    );
    console.log(`arms in order per run: ${arms.join("; ")}; ${runs} run(s), median shown`);
    const results: { arm: Arm; count: number; parallelism: number | undefined; samples: Sample[] }[] = [];
    for (const count of sizes) {
      for (const parallelism of parallelisms) {
        const byArm = new Map<Arm, Sample[]>(arms.map((arm) => [arm, []]));
        for (let run = 0; run < runs; run += 1) {
          for (const arm of arms) {
            log(`${count} grants, ${arm}, parallelism ${parallelism ?? "default"}, run ${run + 1}/${runs}`);
            const s = await sample(arm, count, parallelism, server, verifier);
            log(
              `    plan ${s.createPlan.toFixed(2)} s, create ${s.create.toFixed(2)} s; ` +
                `plan ${s.revokePlan.toFixed(2)} s, revoke ${s.revoke.toFixed(2)} s`,
            );
            byArm.get(arm)?.push(s);
          }
        }
        for (const arm of arms) results.push({ arm, count, parallelism, samples: byArm.get(arm) ?? [] });
      }
    }
    const med = (samples: Sample[], key: keyof Sample) => median(samples.map((s) => Number(s[key])));
    const baseline = (count: number, parallelism: number | undefined) =>
      results.find((r) => r.arm === ARMS[0] && r.count === count && r.parallelism === parallelism);
    const ratio = (value: number, base: number | undefined) =>
      base === undefined ? "" : `${(value / base).toFixed(1)}x`;
    console.log("");
    console.log(
      "| arm | N | parallelism | create s | create ms/grant | revoke s | revoke ms/grant | create / baseline | revoke / baseline | roles left |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of results) {
      const base = baseline(r.count, r.parallelism);
      const create = med(r.samples, "create");
      const revoke = med(r.samples, "revoke");
      const left = r.samples.map((s) => s.rolesLeft).filter((n) => n !== undefined);
      console.log(
        `| ${r.arm} | ${r.count} | ${r.parallelism ?? "default (10)"} | ${create.toFixed(2)} | ` +
          `${((1000 * create) / r.count).toFixed(1)} | ${revoke.toFixed(2)} | ${((1000 * revoke) / r.count).toFixed(1)} | ` +
          `${ratio(create, base && med(base.samples, "create"))} | ${ratio(revoke, base && med(base.samples, "revoke"))} | ` +
          `${left.length ? left.join(", ") : ""} |`,
      );
    }
    console.log("");
    console.log("Plans (saved with -out; the revoke plan refreshes every resource in state first):");
    console.log(
      "| arm | N | parallelism | create plan s | revoke plan s | revoke plan ms/grant | runs (create, revoke s) |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const r of results) {
      const revokePlan = med(r.samples, "revokePlan");
      console.log(
        `| ${r.arm} | ${r.count} | ${r.parallelism ?? "default (10)"} | ${med(r.samples, "createPlan").toFixed(2)} | ` +
          `${revokePlan.toFixed(2)} | ${((1000 * revokePlan) / r.count).toFixed(1)} | ` +
          `${r.samples.map((s) => `${s.create.toFixed(2)}/${s.revoke.toFixed(2)}`).join("; ")} |`,
      );
    }
    console.log(`load average at end ${load()}`);
  } finally {
    await server.stop();
  }
}

await main();
