import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { resolveEngine, showJson } from "../../src/runner/index.js";
import { makeProject } from "../support/cdktf-project.js";
import { approveDeclaredGrants } from "../support/approve-grants.js";
import { runCli } from "../support/cli.js";

interface StateJson {
  values?: { root_module?: { resources?: { address: string; values: Record<string, unknown> }[] } };
}

// Grant text is data: template sequences in every free-text field of a grant reach the state
// exactly as written, through the real CLI and real tofu; none is evaluated on the runner.
describe("grant text through tofu", () => {
  const project = makeProject();
  afterAll(() => rmSync(project.dir, { recursive: true, force: true }));
  const t0 = Math.floor(Date.now() / 1000);
  const hostile = {
    principal: '${file("/etc/hostname")}@example.com',
    reason: 'read %{ for f in fileset("/", "*") }${f} %{ endfor } and ${pathexpand("~")} and $${kept}',
    requestedBy: '${abspath(".")}@example.com',
    approvedBy: "%{ if true }bob%{ endif }@example.com",
  };

  it("writes templates in the principal, reason, requester and approver literally", async () => {
    mkdirSync(join(project.dir, "grants"), { recursive: true });
    writeFileSync(
      join(project.dir, "grants", "team.yaml"),
      [
        "grants:",
        "  - id: hostile",
        `    principal: ${JSON.stringify(hostile.principal)}`,
        "    target: ledger-db",
        "    access: read",
        `    expiresAt: ${formatTimestamp(t0 + 3_600)}`,
        `    reason: ${JSON.stringify(hostile.reason)}`,
        "    ticket: FIN-12",
        `    requestedBy: ${JSON.stringify(hostile.requestedBy)}`,
        `    approvedBy: [${JSON.stringify(hostile.approvedBy)}]`,
        "",
      ].join("\n"),
    );
    // The approver (hostile name and all) signs the grant's digest with a real SSH key.
    approveDeclaredGrants(project.dir);
    const applied = await runCli(["apply", "--chdir", project.dir, "--now", formatTimestamp(t0)]);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    const workspace = {
      engine: resolveEngine(),
      workingDir: join(project.dir, "cdktf.out", "stacks", "ledger"),
      lockTimeout: "30s",
    };
    const state = (await showJson(workspace)) as StateJson;
    const byAddress = new Map((state.values?.root_module?.resources ?? []).map((r) => [r.address, r.values]));
    expect(byAddress.get("tempgrant_grant.grant_hostile")).toMatchObject({
      principal: hostile.principal,
      reason: hostile.reason,
      requested_by: hostile.requestedBy,
      approved_by: [hostile.approvedBy],
    });
    expect(byAddress.get("terraform_data.grant_hostile_access")?.input).toBe(hostile.principal);
  });
});
