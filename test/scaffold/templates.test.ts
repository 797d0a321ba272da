import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { parse as parseShell } from "shell-quote";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildProgram } from "../../src/cli/program.js";
import { DEFAULT_PRIVILEGED_TYPES } from "../../src/plan/privileged-types.js";
import { CONFIG_SCHEMA, DEFAULT_CONFIG, parseConfig, resolveConfig } from "../../src/policy/config.js";
import { TEMPLATE_FILES } from "../../src/scaffold/template-files.js";
import { PINS } from "../../src/toolchain/pins.js";

// The shipped templates: every one listed, the CI ones well-formed and holding the pieces
// the CI owner relies on, and every `tempgrant ...` they run a real command with real flags.
const TEMPLATES = fileURLToPath(new URL("../../templates", import.meta.url));
const read = (path: string) => readFileSync(join(TEMPLATES, path), "utf8");
const yamlOf = (path: string) => parseYaml(read(path)) as Record<string, unknown>;

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Workflow = {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { steps: Step[] }>;
};
const workflow = (name: string) => yamlOf(`ci/github/${name}`) as Workflow;
const steps = (flow: Workflow) => Object.values(flow.jobs).flatMap((job) => job.steps);

/** Every `npx tempgrant <args>` in a script, as argument vectors (variables kept as text). */
function invocations(script: string): string[][] {
  const found: string[][] = [];
  for (const line of script.split("\n")) {
    for (const match of line.matchAll(/\bnpx\s+tempgrant\s+(.*)$/g)) {
      const tokens = parseShell(match[1] ?? "", (name) => `$${name}`);
      const argv: string[] = [];
      for (const token of tokens) {
        if (typeof token !== "string") break; // an operator: >, ||, ;, |
        argv.push(token);
      }
      found.push(argv);
    }
  }
  return found;
}

const program = await buildProgram("0.0.0");

/** Checks one invocation against the real program: the subcommand exists and takes each flag. */
function problemsWith(argv: readonly string[]): string[] {
  let command: Command = program;
  let rest = [...argv];
  while (rest[0] && command.commands.some((sub) => sub.name() === rest[0])) {
    command = command.commands.find((sub) => sub.name() === rest[0]) as Command;
    rest = rest.slice(1);
  }
  if (command.name() === "tempgrant") return [`no such command: tempgrant ${argv.join(" ")}`];
  const problems: string[] = [];
  rest.forEach((token, index) => {
    if (!token.startsWith("--")) return;
    const [flag, inline] = token.split("=", 2);
    const option = command.options.find((candidate) => candidate.long === flag);
    if (!option) {
      problems.push(`tempgrant ${command.name()} has no ${flag}`);
      return;
    }
    const value = inline ?? rest[index + 1];
    if (option.argChoices && value !== undefined && !option.argChoices.includes(value))
      problems.push(`tempgrant ${command.name()} ${flag} has no choice "${value}"`);
  });
  return problems;
}

const CI_TEMPLATES = TEMPLATE_FILES.filter((file) => file.ci).map((file) => file.template);

describe("the template list", () => {
  it("names every file under templates/ (and only existing ones)", () => {
    const onDisk = readdirSync(TEMPLATES, { recursive: true, encoding: "utf8" })
      .filter((path) => /\.[a-z]+$|gitignore$/.test(path) && path !== "README.md")
      .map((path) => path.replaceAll("\\", "/"))
      .sort();
    expect(TEMPLATE_FILES.map((file) => file.template).sort()).toEqual(onDisk);
  });
});

describe("CI templates", () => {
  it("(the command checker itself notices a made-up command, flag or choice)", () => {
    expect(invocations("x=1; npx tempgrant plan --format sarif > out.sarif || true")).toEqual([
      ["plan", "--format", "sarif"],
    ]);
    expect(problemsWith(["deploy"])).toEqual(["no such command: tempgrant deploy"]);
    expect(problemsWith(["policy", "build", "--bogus"])).toEqual(["tempgrant build has no --bogus"]);
    expect(problemsWith(["plan", "--format=yaml"])).toEqual(['tempgrant plan --format has no choice "yaml"']);
  });

  it.each(CI_TEMPLATES)("%s is well-formed YAML", (path) => {
    expect(() => parseYaml(read(path), { uniqueKeys: true, strict: true })).not.toThrow();
  });

  it.each(CI_TEMPLATES)("%s runs only tempgrant commands and flags that exist", (path) => {
    const calls = invocations(read(path).replace(/^\s*#.*$/gm, ""));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.flatMap(problemsWith)).toEqual([]);
  });

  it("GitHub PR check: plan as SARIF uploaded to code scanning, and a Markdown PR comment", () => {
    const flow = workflow("tempgrant-check.yml");
    expect(flow.on).toHaveProperty("pull_request");
    // A review submitted or dismissed runs the check again: reviews are approval evidence.
    expect(flow.on).toMatchObject({ pull_request_review: { types: ["submitted", "dismissed"] } });
    expect(flow.permissions).toMatchObject({ "security-events": "write", "pull-requests": "write" });
    const all = steps(flow);
    const runs = all.map((step) => step.run ?? "").join("\n");
    // Who may approve comes from the base commit's tempgrant.yaml and allowed_signers.
    expect(all.find((step) => step.uses?.startsWith("actions/checkout@") && step.with)?.with).toMatchObject({
      ref: "${{ github.event.pull_request.base.sha }}",
      path: ".tempgrant/base",
    });
    expect(invocations(runs)).toContainEqual([
      "plan",
      "--config",
      ".tempgrant/base/tempgrant.yaml",
      "--signatures",
      "approvals",
      "--reviews",
      "tempgrant-reviews.json",
      "--format",
      "sarif",
    ]);
    expect(invocations(runs).some((argv) => argv[0] === "check" && argv.includes("markdown"))).toBe(true);
    const upload = all.find((step) => step.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload?.with).toMatchObject({ sarif_file: "tempgrant.sarif" });
    expect(all.some((step) => step.uses?.startsWith("actions/github-script@"))).toBe(true);
  });

  it("GitHub sweep: every 10 minutes, in the state's concurrency group, never cancelled", () => {
    const flow = workflow("tempgrant-sweep.yml");
    expect(flow.on.schedule).toEqual([{ cron: "*/10 * * * *" }]);
    expect(flow.concurrency).toEqual({ group: "tempgrant-state", "cancel-in-progress": false });
    const runs = steps(flow)
      .map((step) => step.run ?? "")
      .join("\n");
    expect(invocations(runs).map((argv) => argv[0])).toEqual(["sweep"]);
  });

  it("GitHub apply: on merge to main, sharing the sweep's concurrency group", () => {
    const flow = workflow("tempgrant-apply.yml");
    expect(flow.on.push).toEqual({ branches: ["main"] });
    expect(flow.concurrency).toEqual(workflow("tempgrant-sweep.yml").concurrency);
    const runs = steps(flow)
      .map((step) => step.run ?? "")
      .join("\n");
    expect(invocations(runs).map((argv) => argv[0])).toEqual(["apply"]);
  });

  it("GitHub workflows install the pinned OpenTofu without the output wrapper", () => {
    for (const name of ["tempgrant-check.yml", "tempgrant-sweep.yml", "tempgrant-apply.yml"]) {
      const setup = steps(workflow(name)).find((step) => step.uses?.startsWith("opentofu/setup-opentofu@"));
      expect(setup?.with, name).toEqual({ tofu_version: PINS.tofu.version, tofu_wrapper: false });
    }
  });

  it("the workflows that check install the pinned opa, which builds the project's own Rego", () => {
    for (const name of ["tempgrant-check.yml", "tempgrant-apply.yml"]) {
      const setup = steps(workflow(name)).find((step) =>
        step.uses?.startsWith("open-policy-agent/setup-opa@"),
      );
      expect(setup?.with, name).toEqual({ version: PINS.opa.version });
    }
    const gitlab = read("ci/gitlab/tempgrant.gitlab-ci.yml");
    expect(gitlab).toContain(`/downloads/v${PINS.opa.version}/opa_linux_amd64_static`);
  });

  it("GitLab: merge request check with a JUnit report, apply and scheduled sweep in one resource group", () => {
    const pipeline = yamlOf("ci/gitlab/tempgrant.gitlab-ci.yml") as Record<
      string,
      {
        rules?: { if: string }[];
        script?: string[];
        resource_group?: string;
        artifacts?: { reports?: { junit?: string } };
        allow_failure?: { exit_codes: number[] };
      }
    >;
    const script = (job: string) => invocations((pipeline[job]?.script ?? []).join("\n"));
    const check = pipeline["tempgrant-check"];
    expect(check?.rules?.[0]?.if).toContain('$CI_PIPELINE_SOURCE == "merge_request_event"');
    // Who may approve comes from the target branch's worktree, never from the merge request.
    expect(script("tempgrant-check")).toContainEqual([
      "plan",
      "--config",
      ".tempgrant/base/tempgrant.yaml",
      "--signatures",
      "approvals",
      "--format",
      "junit",
    ]);
    expect(check?.artifacts?.reports?.junit).toBe("tempgrant-junit.xml");

    const apply = pipeline["tempgrant-apply"];
    expect(apply?.rules?.[0]?.if).toContain("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH");
    expect(script("tempgrant-apply").map((argv) => argv[0])).toEqual(["apply"]);

    const sweep = pipeline["tempgrant-sweep"];
    expect(sweep?.rules?.[0]?.if).toBe('$CI_PIPELINE_SOURCE == "schedule"');
    expect(script("tempgrant-sweep").map((argv) => argv[0])).toEqual(["sweep"]);
    expect(sweep?.allow_failure).toEqual({ exit_codes: [4] });
    expect(apply?.resource_group).toBe("tempgrant-state");
    expect(sweep?.resource_group).toBe("tempgrant-state");
    // GitLab keeps schedules out of the YAML: the template says which one to create.
    expect(read("ci/gitlab/tempgrant.gitlab-ci.yml")).toContain('"*/10 * * * *"');
  });
});

describe("the scaffold's YAML", () => {
  it("grants/example.yaml and tempgrant.yaml are well-formed", () => {
    for (const path of ["repo/grants/example.yaml", "repo/tempgrant.yaml"]) {
      expect(() => parseYaml(read(path), { uniqueKeys: true, strict: true }), path).not.toThrow();
    }
  });

  it("tempgrant.yaml as written is the defaults", async () => {
    expect(await parseConfig(read("repo/tempgrant.yaml"), "tempgrant.yaml")).toEqual(resolveConfig());
  });

  it("tempgrant.yaml comments out every setting of the schema with its default", async () => {
    // A `#` followed by a word or by two blanks comments out a setting; `# ` and a word is prose.
    const uncommented = read("repo/tempgrant.yaml")
      .split("\n")
      .map((line) => (/^#(?! \S)/.test(line) ? line.slice(1) : line))
      .join("\n");
    const raw = parseYaml(uncommented) as Record<string, unknown>;
    expect(raw).toEqual({
      ...DEFAULT_CONFIG,
      privilegedTypes: DEFAULT_PRIVILEGED_TYPES,
      ledger: ".tempgrant/ledger.jsonl",
    });
    const { ledger, evidence, ...limits } = await parseConfig(uncommented, "tempgrant.yaml");
    const { evidence: _none, ...defaults } = resolveConfig();
    expect(limits).toEqual(defaults);
    expect(ledger).toBe(resolve(".tempgrant/ledger.jsonl"));
    expect(evidence).toEqual({
      allowedSigners: resolve("allowed_signers"),
      signatures: resolve("approvals"),
      githubAccounts: {},
    });
    const keys = (schema: { properties?: Record<string, unknown> }, value: unknown, at: string): string[] =>
      Object.entries(schema.properties ?? {}).flatMap(([key, sub]) => {
        const child = (value as Record<string, unknown> | undefined)?.[key];
        const missing = child === undefined ? [`${at}${key}`] : [];
        return [...missing, ...keys(sub as { properties?: Record<string, unknown> }, child, `${at}${key}.`)];
      });
    expect(keys(CONFIG_SCHEMA, raw, "")).toEqual([]);
  });
});
