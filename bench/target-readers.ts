// The per-resource target readers of the check (privileged by content, native expiry, expiry
// bearing, scope), over every resource change of one plan, in this tree and in others, in
// one process, interleaved: the cost of reading resources through the target registry.
// Usage: npx tsx bench/target-readers.ts --plan FILE [--rounds 5] [NAME=TREE_DIR...]
//   (this tree is always measured, as "this"; another tree is a checkout of tempgrant)
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

interface Readers {
  readonly name: string;
  nativeExpiryOf(type: string, after: unknown): number | undefined;
  isExpiryBearing(type: string, after: unknown): boolean;
  privilegedByContent(type: string, values: unknown): boolean;
  grantedScope(type: string, after: unknown): unknown;
}

function usage(message: string): never {
  process.stderr.write(
    `target-readers: ${message}\nusage: npx tsx bench/target-readers.ts --plan FILE [--rounds N] [NAME=TREE_DIR...]\n`,
  );
  process.exit(2);
}

async function readersOf(name: string, tree: string): Promise<Readers> {
  const module = (file: string) => import(pathToFileURL(join(tree, "src", "plan", file)).href);
  const [expiry, privileged, scope] = await Promise.all([
    module("native-expiry.ts"),
    module("privileged-types.ts"),
    module("scope.ts"),
  ]);
  return { name, ...expiry, ...privileged, ...scope } as Readers;
}

async function main(argv: readonly string[]): Promise<void> {
  const option = (flag: string) => {
    const index = argv.indexOf(flag);
    return index < 0 ? undefined : argv[index + 1];
  };
  const planFile = option("--plan") ?? usage("--plan is required");
  const rounds = Number(option("--rounds") ?? "5");
  if (!Number.isInteger(rounds) || rounds < 1) usage("--rounds must be a positive integer");
  const trees = argv
    .filter((arg, index) => arg.includes("=") && !argv[index - 1]?.startsWith("--"))
    .map((arg) => [arg.slice(0, arg.indexOf("=")), resolve(arg.slice(arg.indexOf("=") + 1))] as const);
  const all = [
    await readersOf("this", resolve(import.meta.dirname, "..")),
    ...(await Promise.all(trees.map(([name, tree]) => readersOf(name, tree)))),
  ];
  const plan = JSON.parse(readFileSync(planFile, "utf8")) as {
    resource_changes?: { type: string; change: { after: unknown } }[];
  };
  const changes = plan.resource_changes ?? [];
  const times = new Map<string, number[]>(all.map((readers) => [readers.name, []]));
  let sink = 0;
  for (let round = 0; round < rounds; round++)
    for (const readers of all) {
      const start = process.hrtime.bigint();
      for (const { type, change } of changes) {
        if (readers.privilegedByContent(type, change.after)) sink++;
        if (readers.nativeExpiryOf(type, change.after) !== undefined) sink++;
        if (readers.isExpiryBearing(type, change.after)) sink++;
        if (readers.grantedScope(type, change.after)) sink++;
      }
      times.get(readers.name)!.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  process.stdout.write(`${changes.length} resource changes, ${rounds} rounds (checksum ${sink})\n\n`);
  process.stdout.write("| tree | median ms | min ms |\n| --- | ---: | ---: |\n");
  for (const [name, samples] of times) {
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    process.stdout.write(`| ${name} | ${median.toFixed(1)} | ${sorted[0]!.toFixed(1)} |\n`);
  }
}

await main(process.argv.slice(2));
