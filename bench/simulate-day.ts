// The day-long simulation of the sweep (issue "Scheduled revocation", section 4): see
// bench/simulation.ts. Exits 1 when any grant outlived its expiry by more than one interval,
// or when a command failed or a revocation went unreported.
// Usage: npm run simulate [-- --grants 300 --interval 10 --hours 24 --seed 1 --cli build|source --keep]
import { describeResult, simulateDay } from "./simulation.js";
import { tempgrantCli } from "./sweep-project.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? (args[index + 1] as string) : fallback;
};
const numberOption = (name: string, fallback: string): number => {
  const value = Number(option(name, fallback));
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`${name} must be a positive number\n`);
    process.exit(2);
  }
  return value;
};
const kind = option("--cli", "build");
if (kind !== "build" && kind !== "source") {
  process.stderr.write("--cli must be build or source\n");
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`[simulate] ${line}\n`);
const options = {
  grants: numberOption("--grants", "300"),
  intervalMinutes: numberOption("--interval", "10"),
  hours: numberOption("--hours", "24"),
  seed: numberOption("--seed", "1"),
  keep: args.includes("--keep"),
  onProgress: log,
};
const cli = await tempgrantCli(kind, log);
const result = await simulateDay({ ...options, cli });
process.stdout.write(`${describeResult(result, { ...options, cli }).join("\n")}\n`);
process.exitCode = result.problems.length === 0 ? 0 : 1;
