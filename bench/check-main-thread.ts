// Same-run comparison of bundled CLIs checking one plan, interleaved: wall time, CPU (user +
// system, every thread), peak RSS (GNU time) and the CPU of the main thread alone (from
// /proc at exit). On a loaded machine no core is idle, so work moved to other threads does
// not show in wall time; the main thread's CPU is the check's critical path on a quiet one.
// Usage: npx tsx bench/check-main-thread.ts --plan FILE --dir EVIDENCE_DIR --runs 4 NAME=CLI_DIR...
//   EVIDENCE_DIR holds tempgrant.yaml and approvals/ (bench/real-shaped-plan.ts --evidence);
//   each CLI_DIR is a CLI bundled with scripts/bundle-cli.ts under node_modules.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PRELOAD = `process.on("exit", () => {
  const fs = require("fs");
  const stat = fs.readFileSync("/proc/self/task/" + process.pid + "/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  fs.writeFileSync(process.env.MAIN_THREAD_CPU_OUT, String((Number(fields[11]) + Number(fields[12])) / 100));
});\n`;

function usage(message: string): never {
  process.stderr.write(
    `check-main-thread: ${message}\nusage: npx tsx bench/check-main-thread.ts --plan FILE --dir EVIDENCE_DIR [--runs N] NAME=CLI_DIR...\n`,
  );
  process.exit(2);
}

function main(argv: readonly string[]): void {
  const option = (name: string) => {
    const index = argv.indexOf(name);
    return index < 0 ? undefined : argv[index + 1];
  };
  const plan = option("--plan") ?? usage("--plan is required");
  const dir = option("--dir") ?? usage("--dir is required");
  const runs = Number(option("--runs") ?? "4");
  if (!Number.isInteger(runs) || runs < 1) usage("--runs must be a positive integer");
  const clis = argv
    .filter((arg, index) => arg.includes("=") && !argv[index - 1]?.startsWith("--"))
    .map((arg) => [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] as const);
  if (clis.length === 0) usage("name at least one CLI as NAME=CLI_DIR");
  const scratch = mkdtempSync(join(tmpdir(), "tempgrant-main-thread-"));
  const preload = join(scratch, "main-thread-cpu.cjs");
  writeFileSync(preload, PRELOAD);
  const rows = new Map(clis.map(([name]) => [name, [] as number[][]]));
  try {
    for (let run = 0; run < runs; run += 1) {
      for (const [name, cli] of clis) {
        const timing = join(scratch, "time.txt");
        const cpuOut = join(scratch, "cpu.txt");
        const result = spawnSync(
          "/usr/bin/time",
          [
            "-f",
            "%e %U %S %M",
            "-o",
            timing,
            process.execPath,
            "--require",
            preload,
            join(cli, "main.js"),
            "check",
            plan,
            "--format",
            "json",
            "--config",
            join(dir, "tempgrant.yaml"),
            "--signatures",
            join(dir, "approvals"),
            "--max-plan-size",
            "1GiB",
          ],
          { env: { ...process.env, MAIN_THREAD_CPU_OUT: cpuOut }, stdio: ["ignore", "ignore", "inherit"] },
        );
        if (result.status !== 0) usage(`${name} exited ${String(result.status)}`);
        const [wall, user, system, rss] = readFileSync(timing, "utf8").trim().split(" ").map(Number);
        const mainThread = Number(readFileSync(cpuOut, "utf8"));
        rows.get(name)!.push([wall!, user! + system!, mainThread, rss! / 1024]);
        process.stdout.write(
          `${name} run ${run + 1}: wall ${wall} s, CPU ${(user! + system!).toFixed(2)} s, main thread ${mainThread.toFixed(2)} s\n`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  process.stdout.write(
    "\n| CLI | wall s | CPU s | main-thread CPU s | peak RSS MiB |\n| --- | ---: | ---: | ---: | ---: |\n",
  );
  for (const [name, samples] of rows) {
    const column = (k: number) => median(samples.map((sample) => sample[k]!));
    process.stdout.write(
      `| ${name} | ${column(0).toFixed(2)} | ${column(1).toFixed(2)} | ${column(2).toFixed(2)} | ${column(3).toFixed(0)} |\n`,
    );
  }
}

main(process.argv.slice(2));
