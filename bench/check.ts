// Check benchmark: `tempgrant check` versus `opa eval` and conftest on the same plans, and
// the floor (a node process that only reads and JSON.parses the plan). Wall time and peak
// RSS (GNU time) of each whole process, median of R runs, interleaved.
// Usage: npm run bench:check [-- --shape real|synthetic --grants 1000,10000,50000 --runs 3]
// --shape real (the default): plans shaped like real tofu output (bench/real-shaped-plan.ts),
//   approved by signatures; opa and conftest run a policy written directly against the plan
//   (bench/direct-policy) and tempgrant's rules on its normalized input (see
//   bench/check-real-shaped.ts).
// --shape synthetic: the earlier plans (bench/synthetic-plan.ts: grants only, all created, no
//   evidence); opa and conftest run twice: on the plan itself, with bench/plan-input (the plan
//   reader in Rego) before the same policy pack; and on tempgrant's normalized input.
// Approval evidence (two signatures per grant): npm run bench:check -- --evidence [--grants 10000]
//   [--runs 3] [--baseline-cli DIR --baseline-bundle FILE] (see bench/check-evidence.ts)
import canonicalize from "canonicalize";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand, runCommandOrThrow } from "../src/exec/run-command.js";
import { checkPlanShape, DEFAULT_PRIVILEGED_TYPES, toPolicyInput } from "../src/plan/index.js";
import { syntheticPlan } from "./synthetic-plan.js";
import { checkDirectPolicy, realShapedTools, type Tool } from "./check-real-shaped.js";
import { bundleCli } from "../scripts/bundle-cli.js";
import { policiesDir, resolveConfig } from "../src/policy/index.js";
import { policyDocuments } from "../src/policy/policy-documents.js";
import { cacheRoot } from "../src/toolchain/paths.js";
import { readToolchainManifest } from "../src/toolchain/manifest.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? (args[index + 1] as string) : fallback;
};
const evidenceMode = args.includes("--evidence");
const shape = option("--shape", "real");
if (shape !== "real" && shape !== "synthetic") {
  process.stderr.write(`bench:check: --shape ${shape}: not real or synthetic\n`);
  process.exit(2);
}
const sizes = option("--grants", evidenceMode ? "10000" : "1000,10000,50000")
  .split(",")
  .map(Number);
const runs = Number(option("--runs", "3"));
const root = fileURLToPath(new URL("..", import.meta.url));
const CONFTEST_VERSION = "0.71.1";

interface Sample {
  seconds: number;
  rssMiB: number;
  exitCode: number;
}

async function measure(
  program: string,
  argv: string[],
  scratch: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Sample> {
  const timing = join(scratch, "time.txt");
  const result = await runCommand({
    program: "/usr/bin/time",
    args: ["-f", "%e %M", "-o", timing, program, ...argv],
    cwd: root,
    env: { ...process.env, ...env },
  });
  const [seconds, kib] = (await import("node:fs"))
    .readFileSync(timing, "utf8")
    .trim()
    .split("\n")
    .pop()!
    .split(" ")
    .map(Number);
  return { seconds: seconds ?? Number.NaN, rssMiB: (kib ?? 0) / 1024, exitCode: result.exitCode };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function conftestBinary(): Promise<string> {
  const binary = join(cacheRoot(), "tools", "conftest", CONFTEST_VERSION, "conftest");
  if (existsSync(binary)) return binary;
  process.stderr.write(`building conftest ${CONFTEST_VERSION} from the Go module proxy (once)...\n`);
  mkdirSync(join(binary, ".."), { recursive: true });
  await runCommandOrThrow({
    program: "go",
    args: ["install", `github.com/open-policy-agent/conftest@v${CONFTEST_VERSION}`],
    env: { ...process.env, GOBIN: join(binary, ".."), CGO_ENABLED: "0" },
  });
  return binary;
}

/**
 * Stops the benchmark unless the Rego plan reader builds, from a small plan of the same
 * kind, exactly the document tempgrant builds: otherwise opa and conftest would be timed on
 * different work.
 */
async function checkRegoPlanReader(
  opa: string,
  regoDirs: readonly string[],
  dataPath: string,
  scratch: string,
  config: ReturnType<typeof resolveConfig>,
): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const plan = syntheticPlan(50, now);
  const planPath = join(scratch, "equivalence-plan.json");
  writeFileSync(planPath, JSON.stringify(plan));
  const ours = withoutEvidence(
    policyDocuments(
      toPolicyInput(checkPlanShape(plan, planPath), {
        fallbackNow: now,
        aliases: config.policy.approvals.aliases,
      }),
    ).next().value,
  );
  const result = await runCommandOrThrow({
    program: opa,
    args: [
      "eval",
      "--format",
      "json",
      ...regoDirs.flatMap((dir) => ["-d", dir]),
      "-d",
      dataPath,
      "-i",
      planPath,
      "data.bench.plan_input.doc",
    ],
  });
  const theirs = (JSON.parse(result.stdout) as { result: { expressions: { value: unknown }[] }[] }).result[0]
    ?.expressions[0]?.value;
  // RFC 8785 canonical JSON (as the ledger hashes): key order aside, the same document.
  if (canonicalize(JSON.parse(JSON.stringify(ours))) !== canonicalize(theirs)) {
    throw new Error(
      "bench/plan-input builds a different policy input from tempgrant's: fix it before timing",
    );
  }
  process.stderr.write("bench/plan-input builds the same policy input as tempgrant (50-grant plan)\n");
}

async function main(): Promise<void> {
  const opa = readToolchainManifest()?.opa ?? "opa";
  const conftest = await conftestBinary();
  process.stderr.write("bundling the CLI (tempgrant runs as installed)...\n");
  const cliDir = join(root, "node_modules", ".cache", "tempgrant-bench-check", "cli");
  await bundleCli(cliDir);
  const scratch = mkdtempSync(join(tmpdir(), "tempgrant-bench-check-"));
  const pack = policiesDir();
  const config = resolveConfig({ approvals: { allowed: ["*@example.com"] } });
  // The Rego plan reader (bench/plan-input) needs the privileged types the TypeScript one uses.
  writeFileSync(
    join(scratch, "data.json"),
    JSON.stringify({
      tempgrant: { config: config.policy },
      bench: { privileged_types: DEFAULT_PRIVILEGED_TYPES },
    }),
  );
  writeFileSync(join(scratch, "tempgrant.yaml"), "approvals:\n  allowed: ['*@example.com']\n");
  // conftest wants string messages from deny/warn in one namespace: a two-line adapter.
  mkdirSync(join(scratch, "conftest"));
  writeFileSync(
    join(scratch, "conftest", "adapter.rego"),
    "package tempgrant.conftest\n\nimport rego.v1\n\ndeny contains v.message if some v in data.tempgrant.main.deny\n\nwarn contains v.message if some v in data.tempgrant.main.warn\n",
  );
  writeFileSync(
    join(scratch, "conftest", "plan_adapter.rego"),
    "package tempgrant.conftest_plan\n\nimport rego.v1\n\ndeny contains v.message if some v in data.bench.plan_input.verdicts.deny\n\nwarn contains v.message if some v in data.bench.plan_input.verdicts.warn\n",
  );
  const regoDirs = [join(pack, "main.rego"), join(pack, "lib"), join(pack, "rules")];
  const planReader = join(root, "bench", "plan-input");
  const now = Math.floor(Date.now() / 1000);
  const peers = { opa, conftest, cli: join(cliDir, "main.js"), scratch, now };
  if (shape === "real") await checkDirectPolicy(peers);
  else await checkRegoPlanReader(opa, [...regoDirs, planReader], join(scratch, "data.json"), scratch, config);
  console.log(
    `${shape}-shaped plans; node ${process.version}, opa ${opa}, conftest ${CONFTEST_VERSION}; median of ${runs} runs`,
  );
  console.log("| grants | plan MiB | tool | wall s | peak RSS MiB | exit |");
  console.log("| ---: | ---: | --- | ---: | ---: | ---: |");
  /** The synthetic plan of `grants` grants and the commands to time on it. */
  const syntheticTools = (grants: number): { planPath: string; tools: Record<string, Tool> } => {
    const planPath = join(scratch, `plan-${grants}.json`);
    const plan = syntheticPlan(grants, now);
    writeFileSync(planPath, JSON.stringify(plan));
    // opa and conftest get the normalized policy input, as one document: the same Rego,
    // the same facts, none of the reading and normalizing that tempgrant pays for.
    const inputPath = join(scratch, `input-${grants}.json`);
    const input = toPolicyInput(checkPlanShape(plan, planPath), {
      fallbackNow: now,
      aliases: config.policy.approvals.aliases,
    });
    writeFileSync(inputPath, JSON.stringify(policyDocuments(input).next().value));
    const tempgrantCheck = [
      join(cliDir, "main.js"),
      "check",
      planPath,
      "--format",
      "json",
      "--config",
      join(scratch, "tempgrant.yaml"),
      "--max-plan-size",
      "1GiB",
    ];
    const tools: Record<string, Tool> = {
      "node JSON.parse (floor)": [
        process.execPath,
        ["-e", `JSON.parse(require("fs").readFileSync(${JSON.stringify(planPath)}, "utf8"))`],
      ],
      "tempgrant check": [process.execPath, tempgrantCheck],
      "tempgrant check, one thread": [process.execPath, tempgrantCheck, { TEMPGRANT_POLICY_THREADS: "0" }],
      "opa eval, plan (Rego reads it)": [
        opa,
        [
          "eval",
          "--format",
          "json",
          "--fail-defined",
          ...[...regoDirs, planReader].flatMap((dir) => ["-d", dir]),
          "-d",
          join(scratch, "data.json"),
          "-i",
          planPath,
          "data.bench.plan_input.verdicts.deny[_]",
        ],
      ],
      "conftest, plan (Rego reads it)": [
        conftest,
        [
          "test",
          "--no-color",
          "--namespace",
          "tempgrant.conftest_plan",
          ...[...regoDirs, planReader].flatMap((dir) => ["-p", dir]),
          "-p",
          join(scratch, "conftest"),
          "--data",
          join(scratch, "data.json"),
          planPath,
        ],
      ],
      "opa eval, normalized input": [
        opa,
        [
          "eval",
          "--format",
          "json",
          "--fail-defined",
          ...regoDirs.flatMap((dir) => ["-d", dir]),
          "-d",
          join(scratch, "data.json"),
          "-i",
          inputPath,
          "data.tempgrant.main.verdicts.deny[_]",
        ],
      ],
      "conftest, normalized input": [
        conftest,
        [
          "test",
          "--no-color",
          "--namespace",
          "tempgrant.conftest",
          ...regoDirs.flatMap((dir) => ["-p", dir]),
          "-p",
          join(scratch, "conftest"),
          "--data",
          join(scratch, "data.json"),
          inputPath,
        ],
      ],
    };
    return { planPath, tools };
  };
  try {
    for (const grants of sizes) {
      process.stderr.write(`  ${grants} grants: writing the plan...\n`);
      const { planPath, tools } =
        shape === "real" ? await realShapedTools(grants, peers) : syntheticTools(grants);
      const mib = statSync(planPath).size / 1024 / 1024;
      const samples: Record<string, Sample[]> = {};
      for (let run = 0; run < runs; run += 1) {
        for (const [name, [program, argv, env]] of Object.entries(tools)) {
          process.stderr.write(`  ${grants} grants: ${name} run ${run + 1}/${runs}\n`);
          (samples[name] ??= []).push(await measure(program, argv, scratch, env));
        }
      }
      for (const [name, list] of Object.entries(samples)) {
        console.log(
          `| ${grants} | ${mib.toFixed(1)} | ${name} | ${median(list.map((s) => s.seconds)).toFixed(2)} | ${median(list.map((s) => s.rssMiB)).toFixed(0)} | ${list.map((s) => s.exitCode).join(",")} |`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The document without what approval evidence adds (digests, verified approvers, evidence
 * problems), which TypeScript computes from signatures and the Rego plan reader cannot: the
 * rest must be the same.
 */
function withoutEvidence(document: unknown): unknown {
  return JSON.parse(JSON.stringify(document), (key, value: unknown) =>
    key === "digest" || key === "approvers" || key === "evidenceProblems" ? undefined : value,
  );
}

/** Times `tempgrant check` with two signatures per grant against the same check without them. */
async function evidenceMain(): Promise<void> {
  const { evidenceFixture } = await import("./check-evidence.js");
  const { formatTimestamp } = await import("../src/grant/index.js");
  process.stderr.write("bundling the CLI (tempgrant runs as installed)...\n");
  const cliDir = join(root, "node_modules", ".cache", "tempgrant-bench-check", "cli");
  await bundleCli(cliDir);
  const baseline = option("--baseline-cli", "");
  // The baseline CLI's own policy bundle (its input has no evidence fields).
  const baselineBundle = option("--baseline-bundle", "");
  const scratch = mkdtempSync(join(tmpdir(), "tempgrant-bench-evidence-"));
  const now = Math.floor(Date.now() / 1000);
  console.log(`node ${process.version}; median of ${runs} runs`);
  console.log("| grants | tool | wall s | peak RSS MiB | exit |");
  console.log("| ---: | --- | ---: | ---: | ---: |");
  try {
    for (const grants of sizes) {
      const { planPath, signatures, config } = evidenceFixture(scratch, grants, now);
      const common = [
        "check",
        planPath,
        "--format",
        "json",
        "--max-plan-size",
        "1GiB",
        "--now",
        formatTimestamp(now),
      ];
      const tools: Record<string, string[]> = {
        "tempgrant check, 2 signatures per grant verified": [
          join(cliDir, "main.js"),
          ...common,
          "--config",
          config,
          "--signatures",
          signatures,
        ],
        "tempgrant check, no evidence (every approver denied)": [
          join(cliDir, "main.js"),
          ...common,
          "--config",
          config,
        ],
        ...(baseline
          ? {
              "baseline CLI (typed approvals, no evidence checking)": [
                join(baseline, "main.js"),
                ...common,
                "--config",
                join(scratch, "baseline.yaml"),
                ...(baselineBundle ? ["--bundle", baselineBundle] : []),
              ],
            }
          : {}),
      };
      const samples: Record<string, Sample[]> = {};
      for (let run = 0; run < runs; run += 1) {
        for (const [name, argv] of Object.entries(tools)) {
          process.stderr.write(`  ${grants} grants: ${name} run ${run + 1}/${runs}\n`);
          (samples[name] ??= []).push(await measure(process.execPath, argv, scratch));
        }
      }
      for (const [name, list] of Object.entries(samples)) {
        console.log(
          `| ${grants} | ${name} | ${median(list.map((s) => s.seconds)).toFixed(2)} | ${median(list.map((s) => s.rssMiB)).toFixed(0)} | ${list.map((s) => s.exitCode).join(",")} |`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await (evidenceMode ? evidenceMain() : main());
