import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { synthSmokeStack } from "../../stacks/smoke-stack.js";
import { apply, init, plan, resolveEngine, type Workspace } from "../../src/runner/index.js";
import { adminQuery, providerEnvironment } from "../support/postgres.js";

describe("real tofu with state in the throwaway PostgreSQL (pg backend)", () => {
  const server = inject("postgres");
  const outdir = mkdtempSync(join(tmpdir(), "tempgrant-pgbackend-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const schemaName = `tfstate_${Date.now().toString(36)}`;
  // No password in the connection string: the backend reads PGPASSWORD from the environment.
  const connStr = `postgres://${server.user}@${server.host}:${server.port}/${server.database}?sslmode=disable`;

  it("keeps the state in PostgreSQL, not on disk", async () => {
    const workingDir = synthSmokeStack(outdir, {
      records: { delta: { grant: "delta" } },
      pgBackend: { connStr, schemaName },
    });
    const workspace: Workspace = {
      engine: resolveEngine(),
      workingDir,
      lockTimeout: "30s",
      env: providerEnvironment(server),
    };
    await init(workspace);
    const created = await plan(workspace, { out: "create.tfplan" });
    await apply(workspace, created.planFile);

    const rows = await adminQuery<{ name: string; data: string }>(
      server,
      `select name, data from ${pg.escapeIdentifier(schemaName)}.states`,
    );
    expect(rows.map((row) => row.name)).toEqual(["default"]);
    const state = JSON.parse(rows[0]?.data ?? "{}") as { resources?: { type: string; name: string }[] };
    expect(state.resources?.map((r) => `${r.type}.${r.name}`)).toEqual(["terraform_data.record_delta"]);
  });
});
