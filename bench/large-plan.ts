// Large-plan benchmark (issue 19): the check's cost against the size of the plan.
// - `--grants 10000,50000`: the synthetic plans of bench:check (N grants, no removals).
// - `--removals 10000,20000,50000`: synthetic plans (bench/synthetic-plan.ts) of 1,000 grants
//   and N grants removed before they expire, each looked up as a possible rename.
// - `--padded 10000,200000`: synthetic grants padded to the bulk of real `tofu show -json`
//   output (planned_values, configuration, prior_state, sensitive markers, full role
//   attributes, an unrelated update for one grant in four; about 3.7 KiB a grant), written piece by piece: past ~165k grants the file no
//   longer fits in one JavaScript string.
// - `--unapproved`: the synthetic plans' grants carry no approvers and tempgrant.yaml requires
//   none, so that a CLI from before approvals became evidence (issue 16) and this one give the
//   same verdict (exit 0): what issue 15's fail-closed checks cost, without signature checks.
// Each plan is checked by the CLI of this tree (bundled as `npm run build` bundles it) and,
// with --baseline-cli DIR [--baseline-bundle FILE], by another build (say, main's), runs
// interleaved; and read by the floor, a node process that only JSON.parses it. Wall time
// and peak RSS (GNU time), median of the runs.
// Usage: tsx bench/large-plan.ts --removals 50000 [--runs 3] [--baseline-cli DIR --baseline-bundle FILE]
//        tsx bench/large-plan.ts --padded 10000 --write-only plan.json   (only write the plan)
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "../src/exec/run-command.js";
import { formatTimestamp } from "../src/grant/index.js";
import { bundleCli } from "../scripts/bundle-cli.js";
import { benchmarkGrant, syntheticPlan } from "./synthetic-plan.js";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const list = (value: string | undefined) => (value ? value.split(",").map(Number) : []);
const runs = Number(option("--runs") ?? "3");
const baselineCli = option("--baseline-cli");
const baselineBundle = option("--baseline-bundle");
const unapproved = args.includes("--unapproved");
const planOptions = unapproved ? { approvedBy: [] } : {};
const root = fileURLToPath(new URL("..", import.meta.url));
const now = 1_800_000_000;

interface Sample {
  readonly seconds: number;
  readonly rssMiB: number;
  /** User plus system CPU seconds: on a shared, loaded machine steadier than wall time. */
  readonly cpuSeconds: number;
  readonly exitCode: number;
}

async function measure(argv: readonly string[], scratch: string): Promise<Sample> {
  const timing = join(scratch, "time.txt");
  const result = await runCommand({
    program: "/usr/bin/time",
    args: ["-f", "%e %M %U %S", "-o", timing, process.execPath, "--max-old-space-size=4096", ...argv],
    cwd: root,
  });
  const [seconds, kib, user, system] = readFileSync(timing, "utf8")
    .trim()
    .split("\n")
    .pop()!
    .split(" ")
    .map(Number);
  return {
    seconds: seconds ?? Number.NaN,
    rssMiB: (kib ?? 0) / 1024,
    cpuSeconds: (user ?? Number.NaN) + (system ?? Number.NaN),
    exitCode: result.exitCode,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Writes a JSON document piece by piece: `pieces` yields its text in order. */
function writePieces(path: string, pieces: Iterable<string>): void {
  const fd = openSync(path, "w");
  let buffer: string[] = [];
  let length = 0;
  const flush = () => {
    writeSync(fd, buffer.join(""));
    buffer = [];
    length = 0;
  };
  for (const piece of pieces) {
    buffer.push(piece);
    length += piece.length;
    if (length > 1 << 22) flush();
  }
  flush();
  closeSync(fd);
}

const expires = now + 3_600;

/** A grant's record, its role and an unrelated updated resource, with the bulk real plans carry. */
function paddedGrant(index: number) {
  const { record, role, roleValues: base } = benchmarkGrant("user", index, expires);
  // Every attribute the cyrilgdn provider's schema has, as `show -json` prints them.
  const roleValues = {
    assume_role: "",
    bypass_row_level_security: false,
    connection_limit: -1,
    create_database: false,
    create_role: false,
    encrypted_password: true,
    idle_in_transaction_session_timeout: 0,
    inherit: true,
    password: null,
    replication: false,
    search_path: null,
    skip_drop_role: false,
    skip_reassign_owned: false,
    statement_timeout: 0,
    superuser: false,
    ...base,
  };
  const other = {
    name: `service_${index}`,
    tags: { team: `team-${index % 50}`, owner: `owner${index % 50}@example.com`, env: "production" },
    settings: { retention_days: 30, tier: "standard", replicas: 2 },
  };
  const otherBefore = { ...other, id: `svc-${index}`, settings: { ...other.settings, replicas: 1 } };
  const provider = "registry.opentofu.org/cyrilgdn/postgresql";
  const changes = [
    {
      address: `terraform_data.grant_user_${index}`,
      mode: "managed",
      type: "terraform_data",
      name: `grant_user_${index}`,
      provider_name: "terraform.io/builtin/terraform",
      change: {
        actions: ["create"],
        before: null,
        after: { input: record, output: null, triggers_replace: null },
        after_unknown: { id: true, output: true },
        before_sensitive: false,
        after_sensitive: { input: { approvedBy: [false], resources: [false] } },
      },
    },
    {
      address: role,
      mode: "managed",
      type: "postgresql_role",
      name: `grant_user_${index}`,
      provider_name: provider,
      change: {
        actions: ["create"],
        before: null,
        after: roleValues,
        after_unknown: { id: true, roles: [false] },
        before_sensitive: false,
        after_sensitive: { password: true, roles: [false] },
      },
    },
    {
      address: `null_resource.service_${index}`,
      mode: "managed",
      type: "null_resource",
      name: `service_${index}`,
      provider_name: "registry.opentofu.org/hashicorp/null",
      change: {
        actions: ["update"],
        before: otherBefore,
        after: { ...other, id: `svc-${index}` },
        after_unknown: {},
        before_sensitive: { tags: {}, settings: {} },
        after_sensitive: { tags: {}, settings: {} },
      },
    },
  ];
  const planned = changes.slice(0, 2).map((change) => ({
    address: change.address,
    mode: "managed",
    type: change.type,
    name: change.name,
    provider_name: change.provider_name,
    schema_version: 0,
    values: change.change.after,
    sensitive_values: change.change.after_sensitive,
  }));
  // The record's configuration (cdktf writes its input as a constant); the role's is left out.
  const configured = changes.slice(0, 1).map((change) => ({
    address: change.address.replace(/_\d+$/, ""),
    mode: "managed",
    type: change.type,
    name: change.name,
    provider_config_key: change.type.split("_")[0],
    expressions: Object.fromEntries(
      Object.entries((change.change.after ?? {}) as Record<string, unknown>).map(([key, value]) => [
        key,
        { constant_value: value },
      ]),
    ),
    schema_version: 0,
  }));
  const prior = {
    address: changes[2]!.address,
    mode: "managed",
    type: "null_resource",
    name: changes[2]!.name,
    provider_name: changes[2]!.provider_name,
    schema_version: 0,
    values: otherBefore,
    sensitive_values: { tags: {}, settings: {} },
  };
  // One grant in four comes with an unrelated resource updated in place.
  const updated = index % 4 === 0;
  return {
    changes: updated ? changes : changes.slice(0, 2),
    planned,
    configured,
    prior: updated ? [prior] : [],
  };
}

function* paddedPlanPieces(grants: number): Generator<string> {
  const each = function* (pick: (grant: ReturnType<typeof paddedGrant>) => readonly object[]) {
    let first = true;
    for (let index = 0; index < grants; index += 1) {
      for (const item of pick(paddedGrant(index))) {
        yield `${first ? "" : ","}\n${JSON.stringify(item)}`;
        first = false;
      }
    }
  };
  yield `{"format_version":"1.2","terraform_version":"1.12.6","timestamp":"${formatTimestamp(now)}","variables":{"region":{"value":"eu-west-1"}},`;
  yield `"planned_values":{"root_module":{"resources":[`;
  yield* each((grant) => grant.planned);
  yield `]}},"resource_changes":[`;
  yield* each((grant) => grant.changes);
  yield `],"prior_state":{"format_version":"1.0","terraform_version":"1.12.6","values":{"root_module":{"resources":[`;
  yield* each((grant) => grant.prior);
  yield `]}}},"configuration":{"provider_config":{"postgresql":{"name":"postgresql","full_name":"registry.opentofu.org/cyrilgdn/postgresql"}},"root_module":{"resources":[`;
  yield* each((grant) => grant.configured);
  yield `]}},"checks":[],"relevant_attributes":[],"errored":false}`;
}

interface Case {
  readonly label: string;
  readonly write: (path: string) => void;
}

const cases: Case[] = [
  ...list(option("--grants")).map((grants) => ({
    label: `${grants} grants`,
    write: (path: string) => writeFileSync(path, JSON.stringify(syntheticPlan(grants, now, planOptions))),
  })),
  ...list(option("--removals")).map((removals) => ({
    label: `1000 grants, ${removals} removals`,
    write: (path: string) =>
      writeFileSync(path, JSON.stringify(syntheticPlan(1_000, now, { ...planOptions, removals }))),
  })),
  ...list(option("--padded")).map((grants) => ({
    label: `${grants} grants, padded`,
    write: (path: string) => writePieces(path, paddedPlanPieces(grants)),
  })),
];

const writeOnly = option("--write-only");
if (writeOnly) {
  // The first plan asked for, written to a file for profiling; nothing is run.
  cases[0]?.write(writeOnly);
  process.exit(0);
}

const scratch = mkdtempSync(join(tmpdir(), "tempgrant-large-plan-"));
try {
  // Inside the tree, so that the bundled CLI finds this tree's policies/ as an installed one does.
  const cli = join(root, "node_modules", ".cache", "tg-large-plan-cli");
  await bundleCli(cli);
  writeFileSync(
    join(scratch, "tempgrant.yaml"),
    `approvals:\n  allowed: ['*@example.com']\n${unapproved ? "  required: 0\n" : ""}`,
  );
  const floor = join(scratch, "floor.cjs");
  writeFileSync(floor, 'JSON.parse(require("node:fs").readFileSync(process.argv[2], "utf8"));\n');
  const rows: string[] = [];
  for (const { label, write } of cases) {
    const plan = join(scratch, "plan.json");
    write(plan);
    const mib = statSync(plan).size / 1024 / 1024;
    const check = (dir: string, bundle?: string) => [
      join(dir, "main.js"),
      "check",
      plan,
      "--format",
      "json",
      "--config",
      join(scratch, "tempgrant.yaml"),
      "--max-plan-size",
      "4096MiB",
      ...(bundle ? ["--bundle", bundle] : []),
    ];
    const tools: [string, string[]][] = [
      ["node JSON.parse (floor)", [floor, plan]],
      ["tempgrant check (this tree)", check(cli)],
      ...(baselineCli
        ? [["tempgrant check (baseline)", check(baselineCli, baselineBundle)] as [string, string[]]]
        : []),
    ];
    const samples: Record<string, Sample[]> = {};
    for (let run = 0; run < runs; run += 1)
      for (const [name, argv] of tools) (samples[name] ??= []).push(await measure(argv, scratch));
    for (const [name] of tools) {
      const taken = samples[name]!;
      rows.push(
        `| ${label} | ${mib.toFixed(1)} | ${name} | ${median(taken.map((s) => s.seconds)).toFixed(2)} | ${median(taken.map((s) => s.cpuSeconds)).toFixed(2)} | ${median(taken.map((s) => s.rssMiB)).toFixed(0)} | ${[...new Set(taken.map((s) => s.exitCode))].join(",")} |`,
      );
    }
    process.stdout.write(`${rows.slice(-tools.length).join("\n")}\n`);
  }
  process.stdout.write(
    `\n| plan | MiB | tool | wall s | CPU s | peak RSS MiB | exit |\n| --- | --: | --- | --: | --: | --: | --- |\n${rows.join("\n")}\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
