import { describe, expect, it } from "vitest";
import { applyArgs } from "./apply.js";
import { initArgs } from "./init.js";
import { planArgs } from "./plan.js";
import { showArgs } from "./show.js";
import { engineEnvironment, type Workspace } from "./workspace.js";

const workspace = { lockTimeout: "45s" };

describe("argv builders", () => {
  it("init never prompts, never colours and waits for a held lock", () => {
    expect(initArgs(workspace)).toEqual(["init", "-input=false", "-no-color", "-lock-timeout=45s"]);
    expect(initArgs(workspace, { upgrade: true, backendConfig: { conn_str: "postgres://x" } })).toEqual([
      "init",
      "-input=false",
      "-no-color",
      "-lock-timeout=45s",
      "-upgrade",
      "-backend-config=conn_str=postgres://x",
    ]);
  });

  it("plan always saves the plan and asks for a detailed exit code", () => {
    expect(planArgs(workspace, { out: "p.tfplan" })).toEqual([
      "plan",
      "-input=false",
      "-no-color",
      "-lock-timeout=45s",
      "-detailed-exitcode",
      "-out=p.tfplan",
    ]);
  });

  it("plan passes destroy, refresh and one -target per address, each as its own argument", () => {
    const args = planArgs(workspace, {
      out: "p.tfplan",
      destroy: true,
      refresh: false,
      targets: ['postgresql_role.a["x y"]', "terraform_data.grant_b"],
    });
    expect(args.slice(6)).toEqual([
      "-destroy",
      "-refresh=false",
      '-target=postgresql_role.a["x y"]',
      "-target=terraform_data.grant_b",
    ]);
  });

  it("show reads a plan file or, without one, the state", () => {
    expect(showArgs("p.tfplan")).toEqual(["show", "-no-color", "-json", "p.tfplan"]);
    expect(showArgs()).toEqual(["show", "-no-color", "-json"]);
  });

  it("apply only ever applies a saved plan", () => {
    expect(applyArgs(workspace, "/tmp/p.tfplan")).toEqual([
      "apply",
      "-input=false",
      "-no-color",
      "-lock-timeout=45s",
      "/tmp/p.tfplan",
    ]);
  });
});

describe("engine environment", () => {
  const ws: Workspace = {
    engine: { kind: "tofu", binary: "/bin/tofu", cliConfigFile: "/cache/cli.tfrc" },
    workingDir: "/w",
    lockTimeout: "1s",
    env: { PGPASSWORD: "secret" },
  };

  it("drops TF_CLI_ARGS*, which would inject flags the builders did not choose", () => {
    const env = engineEnvironment(ws, {
      TF_CLI_ARGS: "-auto-approve",
      TF_CLI_ARGS_apply: "-x",
      PATH: "/bin",
    });
    expect(env.TF_CLI_ARGS).toBeUndefined();
    expect(env.TF_CLI_ARGS_apply).toBeUndefined();
    expect(env.PATH).toBe("/bin");
  });

  it("points at the mirror-only CLI config and runs in automation mode", () => {
    const env = engineEnvironment(ws, { TF_CLI_CONFIG_FILE: "/home/me/.tofurc" });
    expect(env).toMatchObject({
      TF_CLI_CONFIG_FILE: "/cache/cli.tfrc",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      PGPASSWORD: "secret",
    });
  });
});
