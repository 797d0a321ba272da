import { Command, Option } from "commander";
import type { CheckReport } from "../../check/check-plan.js";
import { TempgrantError, wrapStep } from "../../errors.js";
import { shippedBundlePath } from "../../policy/bundle-location.js";
import { CHECK_FORMAT_NAMES, type CheckFormat } from "../../report/format-names.js";
import { DEFAULT_LOCK_TIMEOUT } from "../../runner/workspace.js";
import { useColour } from "../colour.js";
import { EXIT } from "../exit-codes.js";

interface PlanOptions {
  now?: string;
  config?: string;
  bundle: string;
  format: CheckFormat;
  stack: string[];
  chdir: string;
  out: string;
  engine?: string;
  lockTimeout: string;
}

/** `tempgrant plan`: the PR path: synth at the clock, plan, show -json, check, per stack. */
export function planCommand(): Command {
  return new Command("plan")
    .description(
      "Synthesize the app at one clock, plan every stack with tofu/terraform, and check each plan.",
    )
    .option("--now <time>", "synthesize and check as of this instant (default: TEMPGRANT_NOW or the clock)")
    .option("--config <file>", "limits for the policy pack (default: ./tempgrant.yaml when present)")
    .option("--bundle <file>", "compiled policy bundle", shippedBundlePath())
    .addOption(new Option("--format <format>", "output format").choices(CHECK_FORMAT_NAMES).default("text"))
    .option(
      "--stack <name>",
      "only this stack (repeatable)",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option("--chdir <dir>", "the project folder holding cdktf.json", ".")
    .option("--out <dir>", "where the app synthesizes, relative to the project", "cdktf.out")
    .option("--engine <engine>", "tofu or terraform (default: TEMPGRANT_ENGINE or tofu)")
    .option("--lock-timeout <duration>", "how long to wait for a held state lock", DEFAULT_LOCK_TIMEOUT)
    .addHelpText(
      "after",
      [
        "",
        "Each stack's saved plan is left at <out>/stacks/<stack>/tempgrant.tfplan for `tempgrant apply`.",
        "",
        "Exit codes: 0 every plan passes, 1 policy denials or a failed synth/plan, 2 bad input, 3 internal.",
        "",
        "Examples:",
        "  $ tempgrant plan",
        "  $ tempgrant plan --stack prod --format sarif > tempgrant.sarif",
        "  $ tempgrant plan --now 2027-01-11T09:00:00Z --format markdown > comment.md",
      ].join("\n"),
    )
    .action(async (options: PlanOptions) => {
      const [
        { evaluateInput },
        { synthApp },
        { formatTimestamp, resolveClock },
        plans,
        { loadPolicyEngine },
        { CHECK_FORMATS },
        runner,
        { loadCheckConfig },
      ] = await Promise.all([
        import("../../check/check-plan.js"),
        import("../../check/synth-app.js"),
        import("../../grant/index.js"),
        import("../../plan/index.js"),
        import("../../policy/evaluate.js"),
        import("../../report/check-formats.js"),
        import("../../runner/index.js"),
        import("../options.js"),
      ]);
      const { checkPlanShape, toPolicyInput } = plans;
      const { init, plan, resolveEngine, showJson } = runner;
      const clock = resolveClock(options.now);
      const config = await loadCheckConfig(options.config);
      const policy = await loadPolicyEngine(config.policy, options.bundle);
      const stacks = await synthApp({
        projectDir: options.chdir,
        outdir: options.out,
        now: formatTimestamp(clock.now),
        revocationMargin: `${config.revocationMarginSeconds}s`,
      }).catch((error: unknown) => {
        throw wrapStep("synth", error);
      });
      const selected = options.stack.length > 0 ? options.stack : Object.keys(stacks);
      const reports: CheckReport[] = [];
      for (const name of selected) {
        const workingDir = stacks[name];
        if (!workingDir) {
          throw new TempgrantError(
            "USAGE",
            `no stack "${name}" (the app synthesized: ${Object.keys(stacks).join(", ")})`,
          );
        }
        process.stderr.write(`[plan] ${name}: init, plan, check...\n`);
        const workspace = {
          engine: resolveEngine(options.engine ? { kind: options.engine } : {}),
          workingDir,
          lockTimeout: options.lockTimeout,
        };
        const planned = await (async () => {
          await init(workspace);
          const result = await plan(workspace, { out: "tempgrant.tfplan" });
          return showJson(workspace, result.planFile);
        })().catch((error: unknown) => {
          throw wrapStep(`plan stack ${name}`, error);
        });
        const input = toPolicyInput(checkPlanShape(planned, name), {
          now: clock.now,
          fallbackNow: clock.now,
          privilegedTypes: config.privilegedTypes,
          aliases: config.policy.approvals.aliases,
        });
        reports.push(await evaluateInput(`${name} (${workingDir}/tempgrant.tfplan)`, input, policy));
      }
      for (const report of reports)
        process.stdout.write(CHECK_FORMATS[options.format](report, { colour: useColour() }));
      if (reports.some((report) => report.verdicts.deny.length > 0)) process.exitCode = EXIT.FAILURE;
    });
}
