// The day-long simulation of the sweep (issue "Scheduled revocation", section 4): see
// bench/simulation.ts. Exits 1 when any grant outlived its expiry by more than one interval,
// or when a command failed or a revocation went unreported.
// Usage: npm run simulate [-- --grants 300 --interval 10 --hours 24 --seed 1 --cli build|source --keep]
//        [--target builtin|postgresql [--membership-every 5]]
//        [--faults [--kill-share 0.1] [--fail-share 0.1] [--broken-hour H]]
// --faults kills a share of sweeps mid-apply, makes a share of grants' destroys fail once, and
// breaks the app for one hour (default: the hour starting at a quarter of the day); the bound
// is then two intervals, and no sweep may exit 0, 4 or 5 leaving an expired grant behind.
// --target postgresql runs the day on a throwaway PostgreSQL through tempgrant's provider
// (bench/simulation-postgres.ts): login roles, every n-th grant in membership mode, new logins
// attempted after every sweep; exits 1 also when one succeeds after its grant's expiry.
// --faults composes with it (the hook runs before the grant's role or membership is dropped).
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
const target = option("--target", "builtin");
if (target !== "builtin" && target !== "postgresql") {
  process.stderr.write("--target must be builtin or postgresql\n");
  process.exit(2);
}
const membershipEvery = Number(option("--membership-every", "5"));
if (!Number.isInteger(membershipEvery) || membershipEvery < 0) {
  process.stderr.write("--membership-every must be a whole number (0: no membership grants)\n");
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
  target: target as "builtin" | "postgresql",
  membershipEvery,
};
const share = (name: string, fallback: string): number => {
  const value = Number(option(name, fallback));
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    process.stderr.write(`${name} must be between 0 and 1\n`);
    process.exit(2);
  }
  return value;
};
const faults = args.includes("--faults")
  ? {
      killShare: share("--kill-share", "0.1"),
      failOnceShare: share("--fail-share", "0.1"),
      brokenHour: Math.floor(
        Number(option("--broken-hour", String(Math.max(1, Math.floor(options.hours / 4))))),
      ),
    }
  : undefined;
if (faults && !(faults.brokenHour >= 1 && faults.brokenHour < options.hours)) {
  process.stderr.write("--broken-hour must be at least 1 (a sweep must have run first) and inside the day\n");
  process.exit(2);
}
const cli = await tempgrantCli(kind, log);
const result = await simulateDay({ ...options, cli, ...(faults ? { faults } : {}) });
process.stdout.write(
  `${describeResult(result, { ...options, cli, ...(faults ? { faults } : {}) }).join("\n")}\n`,
);
process.exitCode = result.problems.length === 0 ? 0 : 1;
