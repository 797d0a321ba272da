// Synthesis benchmark: N grants through TemporaryGrant versus the same resources written
// with plain cdktf bindings, each run in a fresh process, interleaved, median of R runs.
// Usage: npm run bench:synth [-- --counts 1000,10000 --runs 3]
import { runCommandOrThrow } from "../src/exec/run-command.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? (args[index + 1] as string) : fallback;
};
const counts = option("--counts", "1000,10000").split(",").map(Number);
const runs = Number(option("--runs", "3"));

interface Sample {
  seconds: number;
  peakRssMiB: number;
  bytes: number;
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function sample(mode: string, count: number): Promise<Sample> {
  const result = await runCommandOrThrow({
    program: process.execPath,
    args: ["--import", "tsx", new URL("./synth-one.ts", import.meta.url).pathname, mode, String(count)],
  });
  return JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as Sample;
}

console.log(`node ${process.version}, ${runs} runs each, median shown`);
console.log("| grants | mode | synth s | peak RSS MiB | cdk.tf.json MiB |");
console.log("| ---: | --- | ---: | ---: | ---: |");
for (const count of counts) {
  const samples: Record<string, Sample[]> = { grants: [], plain: [] };
  for (let run = 0; run < runs; run += 1) {
    for (const mode of ["plain", "grants"]) {
      process.stderr.write(`  ${count} ${mode} run ${run + 1}/${runs}...\n`);
      samples[mode]?.push(await sample(mode, count));
    }
  }
  const summary: Record<string, { seconds: number; rss: number }> = {};
  for (const mode of ["plain", "grants"]) {
    const list = samples[mode] ?? [];
    const seconds = median(list.map((s) => s.seconds));
    const rss = median(list.map((s) => s.peakRssMiB));
    summary[mode] = { seconds, rss };
    const size = median(list.map((s) => s.bytes)) / 1024 / 1024;
    console.log(`| ${count} | ${mode} | ${seconds.toFixed(2)} | ${rss.toFixed(0)} | ${size.toFixed(1)} |`);
  }
  const ratio = (summary.grants?.seconds ?? 0) / (summary.plain?.seconds ?? 1);
  const rssRatio = (summary.grants?.rss ?? 0) / (summary.plain?.rss ?? 1);
  console.log(`| ${count} | ratio grants/plain | ${ratio.toFixed(2)}x | ${rssRatio.toFixed(2)}x | |`);
}
