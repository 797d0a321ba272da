import { resolve } from "node:path";
import { Command } from "commander";
import { DEFAULT_MAX_PLAN_BYTES } from "../../plan/read-plan.js";
import type { CheckFormat } from "../../report/format-names.js";
import { formatOption } from "../format-option.js";
import { useColour } from "../colour.js";
import { statusAction } from "../exit-codes.js";
import { checkStatus } from "../../run-status.js";

interface CheckOptions {
  now?: string;
  config?: string;
  bundle?: string;
  format: CheckFormat;
  maxPlanSize: string;
  chdir: string;
  engine?: string;
  signatures?: string;
  reviews?: string;
}

/** `tempgrant check <plan>`: evaluates a plan against the compiled policy bundle. */
export function checkCommand(): Command {
  return new Command("check")
    .description("Check a plan (`tofu show -json` output, or a saved binary plan) against the policy pack.")
    .argument("<plan>", "plan JSON file, or a binary plan file (rendered with `show -json` in --chdir)")
    .option("--now <time>", "check as of this instant, RFC 3339 with a zone (default: the plan's timestamp)")
    .option("--config <file>", "limits for the policy pack (default: ./tempgrant.yaml when present)")
    .option(
      "--bundle <file>",
      "compiled policy bundle (default: the shipped pack plus ./policies/ Rego, built and cached; " +
        "the shipped bundle when there is none)",
    )
    .addOption(formatOption("check", "text"))
    .option(
      "--max-plan-size <size>",
      "refuse larger plan files",
      `${DEFAULT_MAX_PLAN_BYTES / 1024 / 1024}MiB`,
    )
    .option(
      "--chdir <dir>",
      "the stack's initialized folder: renders a binary plan there, and its cdk.tf.json names the declared grants outside their window (warned about) and its configuration files the removed blocks whose provisioners the plan JSON leaves out (denied when the plan destroys what they name); PLAN and other paths stay relative to where you run tempgrant",
      ".",
    )
    .option("--engine <engine>", "tofu or terraform, for a binary plan (default: TEMPGRANT_ENGINE or tofu)")
    .option(
      "--signatures <dir>",
      "folder of signed approvals (<grant-id>/<person>.sig), verified with tempgrant.yaml's approvals.allowedSigners",
    )
    .option(
      "--reviews <file>",
      "the pull request and its reviews as approval evidence (see docs/approvals.md)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Exit codes:",
        "  0  the plan passes (warnings may be printed)",
        "  1  policy denials",
        "  2  bad input or usage: not a plan, truncated, a state file, too large, format_version 2, ...",
        "  3  internal error: the policy bundle did not load or evaluate",
        "",
        "Approvals count only with evidence over each grant's digest: without --signatures or --reviews",
        "a plan checked on its own has none, and every approver it names is denied (fail closed).",
        "",
        "Examples:",
        "  $ tofu show -json plan.tfplan > plan.json && tempgrant check plan.json --signatures approvals",
        "  $ tempgrant check cdktf.out/stacks/prod/tempgrant.tfplan --chdir cdktf.out/stacks/prod --format json",
        "  $ tempgrant check plan.json --config tempgrant.yaml --now 2027-01-11T09:00:00Z",
      ].join("\n"),
    )
    .action(
      statusAction(async function (this: Command, planPath: string, options: CheckOptions) {
        // Loaded here, not at the top: --help and other commands should not pay for them.
        const [
          { checkPlan, planWorthHelpers },
          { resolveClock },
          { loadPolicyEngine },
          { CHECK_FORMATS },
          { inputFileOption, loadCheckConfig, sizeOption },
          { projectBundle },
        ] = await Promise.all([
          import("../../check/check-plan.js"),
          import("../../grant/clock.js"),
          import("../../policy/evaluate.js"),
          import("../../report/check-formats.js"),
          import("../options.js"),
          import("../../policy/project-bundle.js"),
        ]);
        if (options.bundle !== undefined) inputFileOption("--bundle", options.bundle);
        const clock = options.now === undefined ? undefined : resolveClock(options.now);
        const config = await loadCheckConfig(options.config);
        const bundle = await projectBundle(options.bundle, ".", (line) =>
          process.stderr.write(`[policy] ${line}\n`),
        );
        const engine = await loadPolicyEngine(config.policy, bundle.path);
        // A plan checked on its own has no evidence unless given by flag: every approver it
        // names is then denied (fail closed). Keys must be valid at the instant checked.
        // A large plan's signature files are read by a helper thread while the plan is read.
        // Evidence is read only when given: its readers are not loaded otherwise.
        const evidence =
          options.signatures === undefined && options.reviews === undefined
            ? undefined
            : await import("../../approval/load-evidence.js");
        const load = planWorthHelpers(planPath) ? evidence?.loadEvidenceAhead : evidence?.loadEvidence;
        const approvals =
          load === undefined
            ? undefined
            : load({
                config,
                ...(options.signatures !== undefined
                  ? { signatures: options.signatures, signaturesRequired: true }
                  : {}),
                ...(options.reviews !== undefined ? { reviews: options.reviews } : {}),
                now: clock?.now ?? resolveClock().now,
              });
        // A stack's folder (the usual --chdir for a saved plan) also holds what its plan JSON
        // leaves out: removed blocks and the grants it declares.
        const { removedBlocksOf } = await import("../../check/removed-blocks.js");
        const report = await checkPlan({
          ...(approvals ? { approvals } : {}),
          removedBlocks: removedBlocksOf(options.chdir),
          source: planPath,
          config,
          engine,
          ...(clock ? { now: clock.now } : {}),
          fallbackNow: resolveClock().now,
          maxPlanBytes: sizeOption("--max-plan-size", options.maxPlanSize),
          // The plan path is the user's (relative to where they stand), not --chdir's.
          renderBinaryPlan: async (path) => {
            const { resolveEngine, showJson } = await import("../../runner/index.js");
            return showJson(
              {
                engine: resolveEngine({ ...(options.engine ? { kind: options.engine } : {}) }),
                workingDir: options.chdir,
                lockTimeout: "0s",
              },
              resolve(path),
            );
          },
        });
        const { withInactiveGrantWarnings } = await import("../../check/inactive-grants.js");
        const checked = withInactiveGrantWarnings(report, options.chdir);
        process.stdout.write(CHECK_FORMATS[options.format](checked, { colour: useColour() }));
        return checkStatus([checked]);
      }),
    );
}
