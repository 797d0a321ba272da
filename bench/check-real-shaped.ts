// The check benchmark's real-shaped runs (`npm run bench:check`, the default --shape real):
// plans from bench/real-shaped-plan.ts, every changing grant approved by a signature, so
// nothing is denied and every tool does the whole work. The peers: opa eval and conftest with
// a policy written directly against the plan (bench/direct-policy), as their users write one,
// and with tempgrant's own rules on tempgrant's normalized input (reading the plan and
// verifying the signatures done for them).
import canonicalize from "canonicalize";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEvidence } from "../src/approval/load-evidence.js";
import { loadCheckConfig } from "../src/cli/options.js";
import { runCommand, runCommandOrThrow } from "../src/exec/run-command.js";
import { checkPlanShape, toPolicyInput } from "../src/plan/index.js";
import { policiesDir } from "../src/policy/index.js";
import { policyDocuments } from "../src/policy/policy-documents.js";
import { writeRealShapedPlanWithEvidence } from "./real-shaped-plan.js";

export type Tool = [program: string, argv: string[], env?: NodeJS.ProcessEnv];

export interface Peers {
  readonly opa: string;
  readonly conftest: string;
  /** The bundled CLI's main.js. */
  readonly cli: string;
  readonly scratch: string;
  readonly now: number;
}

const DIRECT_POLICY = fileURLToPath(new URL("direct-policy/", import.meta.url));

/** The plan, the evidence and the peers' inputs for `grants` grants, in a folder of `scratch`. */
async function prepare(grants: number, peers: Peers, violations: boolean) {
  const dir = join(peers.scratch, `real-${grants}${violations ? "-violations" : ""}`);
  mkdirSync(dir, { recursive: true });
  const planPath = join(dir, "plan.json");
  const written = writeRealShapedPlanWithEvidence(planPath, { grants, now: peers.now, violations }, dir);
  const configPath = join(dir, "tempgrant.yaml");
  const config = await loadCheckConfig(configPath, dir);
  writeFileSync(
    join(dir, "data.json"),
    JSON.stringify({
      tempgrant: { config: config.policy },
      direct: { privileged_types: config.privilegedTypes },
    }),
  );
  const check = [
    peers.cli,
    "check",
    planPath,
    "--format",
    "json",
    "--config",
    configPath,
    "--signatures",
    join(dir, "approvals"),
    "--max-plan-size",
    "1GiB",
  ];
  return { dir, planPath, config, check, bytes: written.bytes };
}

/**
 * tempgrant's normalized input of the plan, as one document, with the evidence verified (what
 * opa and conftest are spared on it); undefined when the plan is too large to read whole.
 */
function normalizedInput(
  planPath: string,
  dir: string,
  config: Awaited<ReturnType<typeof loadCheckConfig>>,
  now: number,
): string | undefined {
  let text: string;
  try {
    text = readFileSync(planPath, "utf8");
  } catch {
    return undefined; // larger than a JavaScript string
  }
  const evidence = loadEvidence({
    config,
    signatures: join(dir, "approvals"),
    signaturesRequired: true,
    now,
  });
  const input = toPolicyInput(checkPlanShape(JSON.parse(text), planPath), {
    now,
    fallbackNow: now,
    privilegedTypes: config.privilegedTypes,
    aliases: config.policy.approvals.aliases,
    approvals: evidence,
  });
  const inputPath = join(dir, "input.json");
  writeFileSync(inputPath, JSON.stringify(policyDocuments(input).next().value));
  return inputPath;
}

/**
 * Stops the benchmark unless the direct policy denies the same grants and resources as
 * tempgrant check on a small plan with one violation of each kind it covers: otherwise the
 * peers would be timed on different rules.
 */
export async function checkDirectPolicy(peers: Peers): Promise<void> {
  const { dir, planPath, check } = await prepare(40, peers, true);
  const ours = await runCommand({ program: process.execPath, args: check });
  const theirs = await runCommandOrThrow({
    program: peers.opa,
    args: [
      "eval",
      "--format",
      "json",
      "-d",
      DIRECT_POLICY,
      "-d",
      join(dir, "data.json"),
      "-i",
      planPath,
      "data.main.violations",
    ],
  });
  type Violation = { grant: string | null; address: string };
  const subjects = (list: Violation[]) =>
    canonicalize([...new Set(list.map((v) => v.grant ?? v.address))].sort());
  const denied = (JSON.parse(ours.stdout) as { deny: Violation[] }).deny;
  const direct = (JSON.parse(theirs.stdout) as { result: { expressions: { value: Violation[] }[] }[] })
    .result[0]!.expressions[0]!.value;
  if (ours.exitCode !== 1 || denied.length === 0 || subjects(denied) !== subjects(direct)) {
    throw new Error(
      `bench/direct-policy denies ${subjects(direct)}, tempgrant check ${subjects(denied)}: fix it before timing`,
    );
  }
  process.stderr.write(
    `bench/direct-policy denies the same ${direct.length} grants and resources as tempgrant check\n`,
  );
}

/** The plan file and the commands to time on it. */
export async function realShapedTools(
  grants: number,
  peers: Peers,
): Promise<{ planPath: string; tools: Record<string, Tool> }> {
  const { dir, planPath, config, check } = await prepare(grants, peers, false);
  const data = join(dir, "data.json");
  const pack = policiesDir();
  const regoDirs = [join(pack, "main.rego"), join(pack, "lib"), join(pack, "rules")];
  const tools: Record<string, Tool> = {
    "node JSON.parse (floor)": [
      process.execPath,
      ["-e", `JSON.parse(require("fs").readFileSync(${JSON.stringify(planPath)}, "utf8"))`],
    ],
    "tempgrant check (signatures verified)": [process.execPath, check],
    "opa eval, direct policy": [
      peers.opa,
      [
        "eval",
        "--format",
        "json",
        "--fail-defined",
        "-d",
        DIRECT_POLICY,
        "-d",
        data,
        "-i",
        planPath,
        "data.main.deny[_]",
      ],
    ],
    "conftest, direct policy": [
      peers.conftest,
      ["test", "--no-color", "-p", DIRECT_POLICY, "--data", data, planPath],
    ],
  };
  const inputPath = normalizedInput(planPath, dir, config, peers.now);
  if (inputPath) {
    tools["opa eval, normalized input"] = [
      peers.opa,
      [
        "eval",
        "--format",
        "json",
        "--fail-defined",
        ...regoDirs.flatMap((d) => ["-d", d]),
        "-d",
        data,
        "-i",
        inputPath,
        "data.tempgrant.main.verdicts.deny[_]",
      ],
    ];
    tools["conftest, normalized input"] = [
      peers.conftest,
      [
        "test",
        "--no-color",
        "--namespace",
        "tempgrant.conftest",
        ...regoDirs.flatMap((d) => ["-p", d]),
        "-p",
        // The adapter to conftest's string messages bench/check.ts writes.
        join(peers.scratch, "conftest"),
        "--data",
        data,
        inputPath,
      ],
    ];
  }
  return { planPath, tools };
}
