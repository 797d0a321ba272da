import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgBackend, TerraformStack } from "cdktf";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { synthesize, TemporaryGrant } from "../../src/constructs/index.js";
import { builtinGrant } from "../support/builtin-grants.js";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../../src/runner/index.js";
import { sweepStack } from "../../src/sweep/sweep-stack.js";
import { adminQuery, providerEnvironment } from "../support/postgres.js";

// Two sweeps of one stack at once, as two scheduled CI jobs would run them: separate
// checkouts, one state in the pg backend (real tofu, real PostgreSQL). Neither corrupts the
// state, each ends cleanly, and the expired grant is revoked exactly once.
describe("two concurrent sweeps on the pg backend", () => {
  const server = inject("postgres");
  const schemaName = `sweep_${Date.now().toString(36)}`;
  const connStr = `postgres://${server.user}@${server.host}:${server.port}/${server.database}?sslmode=disable`;
  const dirs = [1, 2, 3].map((n) => mkdtempSync(join(tmpdir(), `tempgrant-concurrent-${n}-`)));
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const t0 = Math.floor(Date.now() / 1000) + 60;
  const grant = (id: string, expiresAt: number) => builtinGrant(id, { expiresAt });
  const checkout = (dir: string, now: number): Workspace => ({
    engine: resolveEngine(),
    workingDir:
      synthesize({
        outdir: dir,
        now,
        declare: (app) => {
          const stack = new TerraformStack(app, "shared");
          new PgBackend(stack, { connStr, schemaName });
          for (const props of [grant("a", t0 + 3_600), grant("b", t0 + 7_200)])
            new TemporaryGrant(stack, props.id ?? "", props);
        },
      }).shared ?? "",
    lockTimeout: "60s",
    env: providerEnvironment(server),
  });

  it("revokes once, leaves the state consistent, and both runs end cleanly", async () => {
    const merge = checkout(dirs[0] ?? "", t0);
    await init(merge);
    await apply(merge, (await plan(merge, { out: "merge.tfplan" })).planFile);

    const [first, second] = [checkout(dirs[1] ?? "", t0 + 3_600), checkout(dirs[2] ?? "", t0 + 3_600)];
    const lines: string[] = [];
    const outcomes = await Promise.all(
      [first, second].map((workspace, index) =>
        sweepStack({
          stack: `shared#${index + 1}`,
          workspace,
          now: t0 + 3_600,
          retry: { baseDelayMs: 200 },
          onProgress: (line) => lines.push(line),
        }),
      ),
    );
    // Which run waited, or started over after the other applied, is up to the race.
    console.log(lines.join("\n"));
    expect(outcomes.every((outcome) => outcome.verified)).toBe(true);
    expect(outcomes.flatMap((outcome) => outcome.revoked.map((r) => r.id))).toEqual(["a"]);

    const state = (await showJson(first)) as {
      values?: { root_module?: { resources?: { address: string }[] } };
    };
    expect(state.values?.root_module?.resources?.map((r) => r.address).sort()).toEqual([
      "tempgrant_grant.grant_b",
      "terraform_data.grant_b_access",
    ]);
    const rows = await adminQuery<{ name: string }>(
      server,
      `select name from ${pg.escapeIdentifier(schemaName)}.states`,
    );
    expect(rows.map((row) => row.name)).toEqual(["default"]);
  });
});
