import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveEngine } from "./engine.js";
import { init } from "./init.js";
import { plan } from "./plan.js";
import type { Workspace } from "./workspace.js";

// `init` with `reuse` (what sweeps use) against real tofu, through a wrapper binary that logs
// each subcommand: skipped while nothing it depends on changed (and the plan after it still
// works), run again when the backend, the providers the configuration uses, the CLI
// configuration or its mirror change, after any failed engine command, and with -upgrade.
const dir = mkdtempSync(join(tmpdir(), "tempgrant-init-reuse-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const log = join(dir, "engine.log");
const wrapper = join(dir, "tofu-logged");
writeFileSync(
  wrapper,
  `#!/bin/sh\necho "$1" >> ${JSON.stringify(log)}\nexec ${JSON.stringify(resolveEngine().binary)} "$@"\n`,
  { mode: 0o755 },
);
const mirror = join(dir, "mirror");
mkdirSync(mirror);
const cliConfig = join(dir, "cli.tfrc");
writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
const workingDir = join(dir, "stack");
mkdirSync(workingDir);
const workspace: Workspace = {
  engine: { kind: "tofu", binary: wrapper, cliConfigFile: cliConfig },
  workingDir,
  lockTimeout: "10s",
};

function configure(
  options: {
    statePath?: string;
    extraResource?: Record<string, unknown>;
    resources?: Record<string, unknown>;
  } = {},
): void {
  const config = {
    terraform: { backend: { local: { path: options.statePath ?? "terraform.tfstate" } } },
    resource: options.resources ?? {
      terraform_data: { access: { input: "alice" } },
      ...options.extraResource,
    },
  };
  writeFileSync(join(workingDir, "cdk.tf.json"), JSON.stringify(config));
}

/** The subcommands run since the last call. */
function engineRuns(): string[] {
  const lines = readFileSync(log, "utf8").trim().split("\n");
  writeFileSync(log, "");
  return lines.filter((line) => line !== "");
}

describe("init with reuse", () => {
  it("is skipped while current and runs again for every change init depends on", async () => {
    writeFileSync(log, "");
    configure();
    expect(await init(workspace, { reuse: true })).toEqual({ ran: true });
    expect(await init(workspace, { reuse: true })).toEqual({ ran: false });
    // The plan after a skipped init is a real one.
    expect((await plan(workspace, { out: "a.tfplan" })).hasChanges).toBe(true);
    expect(engineRuns()).toEqual(["init", "plan"]);
    // A revocation: the grant's resources leave the configuration; nothing init installs changed.
    configure({ resources: {} });
    expect(await init(workspace, { reuse: true })).toEqual({ ran: false });
    configure();
    // Without reuse (tempgrant plan, apply), init always runs.
    expect(await init(workspace)).toEqual({ ran: true });
    expect(await init(workspace, { reuse: true, upgrade: true })).toEqual({ ran: true });
    expect(engineRuns()).toEqual(["init", "init"]);

    // Another backend configuration.
    configure({ statePath: "other.tfstate" });
    await expect(init(workspace, { reuse: true })).rejects.toThrow();
    expect(engineRuns()).toEqual(["init"]);
    rmSync(join(workingDir, ".terraform"), { recursive: true, force: true });
    expect(await init(workspace, { reuse: true })).toEqual({ ran: true });
    expect(await init(workspace, { reuse: true })).toEqual({ ran: false });
    expect(engineRuns()).toEqual(["init"]);

    // A resource of a provider the configuration did not use: init runs (and fails here:
    // the mirror has no such provider); the failure leaves no stamp, so it runs again.
    configure({ statePath: "other.tfstate", extraResource: { random_id: { x: { byte_length: 4 } } } });
    await expect(init(workspace, { reuse: true })).rejects.toThrow(/random/);
    configure({ statePath: "other.tfstate" });
    expect(await init(workspace, { reuse: true })).toEqual({ ran: true });
    expect(engineRuns()).toEqual(["init", "init"]);

    // The mirror's contents (a rebuilt provider) and the CLI configuration.
    writeFileSync(join(mirror, "new-file"), "x");
    expect(await init(workspace, { reuse: true })).toEqual({ ran: true });
    writeFileSync(cliConfig, `${readFileSync(cliConfig, "utf8")}\n# edited\n`);
    expect(await init(workspace, { reuse: true })).toEqual({ ran: true });
    expect(await init(workspace, { reuse: true })).toEqual({ ran: false });
    expect(engineRuns()).toEqual(["init", "init"]);

    // Any failed engine command in the workspace: the next run initialises.
    writeFileSync(join(workingDir, "cdk.tf.json"), "{ not json");
    await expect(plan(workspace, { out: "b.tfplan" })).rejects.toThrow();
    configure({ statePath: "other.tfstate" });
    expect(await init(workspace, { reuse: true })).toEqual({ ran: true });
    // An HCL file is not read here: when in doubt, init runs.
    writeFileSync(join(workingDir, "extra.tf"), "");
    expect(await init(workspace, { reuse: true })).toEqual({ ran: true });
    expect(engineRuns()).toEqual(["plan", "init", "init"]);
  });
});
