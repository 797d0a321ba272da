import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthApp } from "../../src/check/synth-app.js";
import { formatTimestamp } from "../../src/grant/index.js";
import { apply, init, plan, resolveEngine, showJson, type Workspace } from "../../src/runner/index.js";
import { makeProject } from "../support/cdktf-project.js";
import { runCli } from "../support/cli.js";
import { skipWithoutEngine } from "../support/engines.js";

// `tempgrant audit diff` on real states: grants applied with real tofu, then a sweep through
// the CLI (a later --now) revokes one, and a merge extends one, shortens one, widens one, adds
// one, and slips in a resource outside any grant. Both state formats and the plan are diffed.
const hour = 3_600;
const t0 = Math.floor(Date.now() / 1000) + 60;
const at = (seconds: number) => formatTimestamp(seconds);
const project = makeProject();
const files = mkdtempSync(join(tmpdir(), "tempgrant-audit-diff-"));
afterAll(() => {
  rmSync(project.dir, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});
const file = (name: string) => join(files, name);

interface Declared {
  readonly id: string;
  readonly expiresAt: number;
  readonly access?: string;
}

/** grants/team.yaml of the project, like makeProject's writeGrants plus an access level per grant. */
function declare(grants: readonly Declared[]): void {
  const lines = ["grants:"];
  for (const grant of grants) {
    lines.push(
      `  - id: ${grant.id}`,
      `    principal: ${grant.id}@example.com`,
      "    target: ledger-db",
      `    access: ${grant.access ?? "read"}`,
      `    expiresAt: ${at(grant.expiresAt)}`,
      "    reason: reconcile the January ledger",
      "    ticket: FIN-12",
      `    requestedBy: ${grant.id}@example.com`,
      "    approvedBy: [bob@example.com]",
    );
  }
  mkdirSync(join(project.dir, "grants"), { recursive: true });
  writeFileSync(join(project.dir, "grants", "team.yaml"), `${lines.join("\n")}\n`);
}

/** Both forms of the current state: `show -json` and a copy of the raw terraform.tfstate. */
async function saveState(workspace: Workspace, name: string): Promise<void> {
  writeFileSync(file(`${name}.json`), JSON.stringify(await showJson(workspace)));
  copyFileSync(join(workspace.workingDir, "terraform.tfstate"), file(`${name}.tfstate`));
}

async function diff(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return runCli(["audit", "diff", ...args]);
}

interface JsonDiff {
  summary: Record<string, number>;
  grants: {
    id: string;
    kinds: string[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    fields: { field: string; before: string | null; after: string | null; effect: string }[];
  }[];
  unmanaged: { address: string; type: string; action: string }[];
}

async function jsonDiff(...args: string[]): Promise<JsonDiff> {
  const result = await diff(...args, "--format", "json");
  expect([result.exitCode, result.stderr]).toEqual([0, ""]);
  return JSON.parse(result.stdout) as JsonDiff;
}

const rows = (json: JsonDiff) => json.grants.map((grant) => [grant.id, grant.kinds.join("+")]);

describe("tempgrant audit diff on real states", () => {
  // The grants' access is terraform_data (no database needed), so the test makes that type
  // privileged; the grants' own target resources are owned by their records (tempgrant_grant),
  // a stray one is not.
  const privileged = file("tempgrant.yaml");

  beforeAll(async () => {
    writeFileSync(privileged, "privilegedTypes: [terraform_data]\n");
    declare([
      { id: "alice", expiresAt: t0 + hour },
      { id: "bob", expiresAt: t0 + 3 * hour },
      { id: "carol", expiresAt: t0 + 5 * hour },
      { id: "erin", expiresAt: t0 + 5 * hour },
    ]);
    const stacks = await synthApp({ projectDir: project.dir, outdir: "cdktf.out", now: at(t0) });
    const workspace: Workspace = {
      engine: resolveEngine(),
      workingDir: stacks.ledger ?? "",
      lockTimeout: "30s",
    };
    await init(workspace);
    await apply(workspace, (await plan(workspace, { out: "merge.tfplan" })).planFile);
    await saveState(workspace, "before");

    // An hour later a merge extends bob, shortens carol, widens erin and adds dave; the
    // sweep revokes only alice (expired) and leaves the rest pending.
    declare([
      { id: "alice", expiresAt: t0 + hour },
      { id: "bob", expiresAt: t0 + 6 * hour },
      { id: "carol", expiresAt: t0 + 4 * hour },
      { id: "erin", expiresAt: t0 + 5 * hour, access: "write" },
      { id: "dave", expiresAt: t0 + 5 * hour },
    ]);
    const sweep = await runCli(["sweep", "--chdir", project.dir, "--now", at(t0 + hour)]);
    expect([sweep.exitCode, sweep.stdout.split("\n")[0]]).toEqual([
      4,
      "ledger: revoked 1 grant(s) (alice), verified",
    ]);
    await saveState(workspace, "swept");

    // Then the merge is applied, with a resource someone added by hand next to the stack.
    await synthApp({ projectDir: project.dir, outdir: "cdktf.out", now: at(t0 + hour) });
    writeFileSync(
      join(workspace.workingDir, "backdoor.tf.json"),
      JSON.stringify({ resource: { terraform_data: { backdoor: { input: "mallory@example.com" } } } }),
    );
    const merge = await plan(workspace, { out: "merge.tfplan" });
    writeFileSync(file("plan.json"), JSON.stringify(await showJson(workspace, merge.planFile)));
    await apply(workspace, merge.planFile);
    await saveState(workspace, "after");
  });

  it("sees the sweep's revocation, and only it, between the states around the sweep", async () => {
    const json = await jsonDiff(file("before.tfstate"), file("swept.tfstate"), "--config", privileged);
    expect(rows(json)).toEqual([["alice", "removed"]]);
    expect(json.grants[0]?.before).toMatchObject({
      address: "tempgrant_grant.grant_alice",
      id: "alice",
      principal: "alice@example.com",
      target: "ledger-db",
      access: "read",
      expiresAt: at(t0 + hour),
      requestedBy: "alice@example.com",
      approvedBy: ["bob@example.com"],
      ticket: "FIN-12",
      breakGlass: false,
      resources: ["terraform_data.grant_alice_access"],
    });
    expect([json.summary.unchanged, json.unmanaged]).toEqual([3, []]);
  });

  it("finds every change across the sweep and the merge, whichever state format each side is", async () => {
    for (const [before, after] of [
      ["before.json", "after.json"],
      ["before.tfstate", "after.tfstate"],
      ["before.json", "after.tfstate"],
      ["before.tfstate", "after.json"],
    ] as const) {
      const json = await jsonDiff(file(before), file(after), "--config", privileged);
      expect(rows(json)).toEqual([
        ["dave", "added"],
        ["alice", "removed"],
        ["bob", "extended"],
        ["carol", "narrowed"],
        ["erin", "widened"],
      ]);
      expect(json.grants.find((grant) => grant.id === "bob")?.fields).toEqual([
        { field: "expiresAt", before: at(t0 + 3 * hour), after: at(t0 + 6 * hour), effect: "extended" },
      ]);
      expect(json.grants.find((grant) => grant.id === "erin")?.fields).toEqual([
        { field: "access", before: "read", after: "write", effect: "widened" },
      ]);
      expect(json.unmanaged).toEqual([
        {
          address: "terraform_data.backdoor",
          type: "terraform_data",
          action: "added",
          attributes: [],
          formerOwner: null,
        },
      ]);
    }
  });

  it("reads a raw state and its show -json alike: no difference between them", async () => {
    for (const name of ["before", "swept", "after"]) {
      const json = await jsonDiff(file(`${name}.json`), file(`${name}.tfstate`), "--config", privileged);
      expect([json.grants, json.unmanaged]).toEqual([[], []]);
    }
    expect((await jsonDiff(file("before.json"), file("before.tfstate"))).summary.unchanged).toBe(4);
  });

  it("diffs a real plan on its own: its prior state against its planned values", async () => {
    const json = await jsonDiff(file("plan.json"), "--config", privileged);
    expect(rows(json)).toEqual([
      ["dave", "added"],
      ["bob", "extended"],
      ["carol", "narrowed"],
      ["erin", "widened"],
    ]);
    expect(json.unmanaged.map((change) => [change.address, change.action])).toEqual([
      ["terraform_data.backdoor", "added"],
    ]);
  });

  it("prints text, markdown and csv rows, and exits 1 with --fail-on-unmanaged only when something is flagged", async () => {
    const text = await diff(
      file("before.tfstate"),
      file("after.json"),
      "--config",
      privileged,
      "--fail-on-unmanaged",
    );
    expect(text.exitCode).toBe(1);
    const lines = text.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      `audit diff: ${file("before.tfstate")} (raw state, serial ${serialOf(lines[0])}) -> ${file("after.json")} (state)`,
      "grants: 1 added, 1 removed, 1 extended, 1 narrowed, 1 widened, 0 with other metadata changes, 0 unchanged",
      "unmanaged privileged changes: 1",
    ]);
    expect(lines.filter((line) => /^[-+~!] /.test(line))).toEqual([
      "+ dave: added",
      "- alice: removed",
      "~ bob: extended",
      "~ carol: narrowed",
      "~ erin: widened",
      "! terraform_data.backdoor (terraform_data): added, no grant record owns it",
    ]);
    expect(lines).toContain(`    expiresAt ${at(t0 + 3 * hour)} -> ${at(t0 + 6 * hour)} (extended)`);

    const markdown = await diff(file("plan.json"), "--config", privileged, "--format", "markdown");
    expect(markdown.exitCode).toBe(0);
    expect(markdown.stdout).toContain(
      `| widened | \`erin\` | erin@example.com | ledger-db | write | until ${at(t0 + 5 * hour)} | erin@example.com | bob@example.com | FIN-12 | no | access read → write (widened) |`,
    );
    expect(markdown.stdout).toContain("| added | `terraform_data.backdoor` | `terraform_data` |");

    const csv = await diff(
      file("before.json"),
      file("after.tfstate"),
      "--config",
      privileged,
      "--format",
      "csv",
    );
    expect(csv.stdout.split("\n").map((line) => line.split(",").slice(0, 3).join(","))).toEqual([
      "row,change,grant",
      "grant,added,dave",
      "grant,removed,alice",
      "grant,extended,bob",
      "grant,narrowed,carol",
      "grant,widened,erin",
      "unmanaged,added,",
      "",
    ]);

    // With the default privileged types a terraform_data is no access: nothing flagged, exit 0.
    const plain = await diff(file("before.tfstate"), file("after.json"), "--fail-on-unmanaged");
    expect([plain.exitCode, plain.stdout.split("\n")[2]]).toEqual([0, "unmanaged privileged changes: 0"]);
  });
});

function serialOf(line: string | undefined): string {
  return /serial (\d+)/.exec(line ?? "")?.[1] ?? "?";
}

describe("tempgrant audit diff on a state written by terraform", () => {
  const other = makeProject();
  afterAll(() => rmSync(other.dir, { recursive: true, force: true }));

  it("reads terraform's raw state and show -json alike", async (context) => {
    skipWithoutEngine("terraform", context);
    other.writeGrants([{ id: "zoe", expiresAt: at(t0 + hour) }]);
    const stacks = await synthApp({ projectDir: other.dir, outdir: "cdktf.out", now: at(t0) });
    const workspace: Workspace = {
      engine: resolveEngine({ kind: "terraform" }),
      workingDir: stacks.ledger ?? "",
      lockTimeout: "30s",
    };
    await init(workspace);
    await apply(workspace, (await plan(workspace, { out: "merge.tfplan" })).planFile);
    writeFileSync(file("tf.json"), JSON.stringify(await showJson(workspace)));
    const raw = join(workspace.workingDir, "terraform.tfstate");
    expect((await jsonDiff(file("tf.json"), raw)).summary.unchanged).toBe(1);
    writeFileSync(file("empty.json"), JSON.stringify({ format_version: "1.0" }));
    const json = await jsonDiff(file("empty.json"), raw);
    expect(rows(json)).toEqual([["zoe", "added"]]);
    expect(json.grants[0]?.after).toMatchObject({ principal: "zoe@example.com", expiresAt: at(t0 + hour) });
  });
});
