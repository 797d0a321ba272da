// `npm run fixtures:plans`: makes test/fixtures/real-plans/ with our own tofu runs. Each stack
// of real-plan-stacks.ts is written to a temp folder; every step but the last is applied, the
// last is planned, and `tofu show -json` of that plan is kept as <name>.plan.json beside the
// verdict it must get (<name>.expected.json). Stacks with grants plan and apply through
// tempgrant's provider against a throwaway PostgreSQL, whose connection comes from the
// environment, so no host, port or password is in a plan; temp folders are scrubbed anyway.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../src/runner/index.js";
import { libpqEnvironment } from "../src/testing/postgres-access.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../src/testing/throwaway-postgres.js";
import { bootstrapToolchain } from "../src/toolchain/bootstrap.js";
import { fixtureStacks, type FixtureStack } from "./real-plan-stacks.js";

const OUT = fileURLToPath(new URL("../test/fixtures/real-plans/", import.meta.url));
const log = (line: string) => process.stderr.write(`[fixtures] ${line}\n`);

async function main(): Promise<void> {
  await bootstrapToolchain({ onProgress: (line) => log(line) });
  const engine = resolveEngine({ kind: "tofu" });
  const stacks = fixtureStacks(Math.floor(Date.now() / 1000));
  let server: ThrowawayPostgres | undefined;
  if (stacks.some((stack) => stack.postgres)) {
    server = await startThrowawayPostgres({ onProgress: (line) => log(line) });
  }
  mkdirSync(OUT, { recursive: true });
  // Only what this run writes stays: a stack removed from the list leaves no stale plan.
  for (const file of readdirSync(OUT)) {
    if (/\.(plan|expected)\.json$/.test(file)) rmSync(join(OUT, file));
  }
  try {
    for (const stack of stacks) {
      const env = stack.postgres && server ? libpqEnvironment(server) : {};
      const document = await planStack(stack, (workingDir) => ({
        engine,
        workingDir,
        lockTimeout: "60s",
        env,
      }));
      writeJson(`${stack.name}.plan.json`, document);
      writeJson(`${stack.name}.expected.json`, { about: stack.about, ...stack.expected });
      log(`${stack.name}: wrote ${stack.name}.plan.json`);
    }
  } finally {
    await server?.stop();
  }
}

/** Applies every step but the last, plans the last, and returns its `show -json`, scrubbed. */
async function planStack(stack: FixtureStack, workspaceFor: (dir: string) => Workspace): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), `tempgrant-fixture-${stack.name}-`));
  try {
    const workspace = workspaceFor(dir);
    let document: unknown;
    let previous: readonly string[] = [];
    for (const [index, files] of stack.steps.entries()) {
      // This step's files replace the last one's.
      for (const path of previous) rmSync(join(dir, path));
      previous = Object.keys(files);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      await init(workspace);
      const { planFile } = await plan(workspace, { out: "fixture.tfplan" });
      if (index < stack.steps.length - 1) await apply(workspace, planFile);
      else document = await showJson(workspace, planFile);
    }
    if (stack.postgres) {
      // Leave nothing behind in the shared server: destroy what the applied steps made.
      const { planFile } = await plan(workspace, { out: "destroy.tfplan", destroy: true });
      await apply(workspace, planFile);
    }
    return scrub(document, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The document with the temp folder's path replaced, so fixtures hold no machine path. */
function scrub(document: unknown, dir: string): unknown {
  return JSON.parse(JSON.stringify(document).replaceAll(dir, "<stack>")) as unknown;
}

function writeJson(name: string, value: unknown): void {
  writeFileSync(join(OUT, name), `${JSON.stringify(value, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[fixtures] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
