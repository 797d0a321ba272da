import { Command } from "commander";
import type { AuditDiffFormat } from "../../../report/format-names.js";
import { formatOption } from "../../format-option.js";
import { TempgrantError } from "../../../errors.js";
import { useColour } from "../../colour.js";
import { statusAction } from "../../exit-codes.js";

interface DiffOptions {
  format: AuditDiffFormat;
  config?: string;
  failOnUnmanaged: boolean;
  accessOrder: string;
  maxSize: string;
}

/** `tempgrant audit diff <before> [after]`: what changed in the grants between two states, or in a plan. */
export function auditDiffCommand(): Command {
  return new Command("diff")
    .description(
      "Compare two states (or a plan's prior state with its planned values): grants added, removed, extended, " +
        "narrowed, widened or otherwise changed, and privileged resources changed without a grant record, flagged.",
    )
    .argument(
      "<before>",
      "a state (.tfstate, or `tofu show -json`), or a plan (`tofu show -json <planfile>`) on its own",
    )
    .argument("[after]", "the later state; omit it when <before> is a plan")
    .addOption(formatOption("auditDiff", "text"))
    .option("--config <file>", "tempgrant.yaml, for privilegedTypes (default: ./tempgrant.yaml when present)")
    .option("--fail-on-unmanaged", "exit 1 when an unmanaged privileged change is flagged", false)
    .option(
      "--access-order <levels>",
      "access levels from least to most, comma-separated: a change up is widened, down is narrowed",
      "read,write,admin",
    )
    .option("--max-size <size>", "refuse larger input files", "64MiB")
    .addHelpText(
      "after",
      [
        "",
        "Each file is recognized by its content: a raw state (version 4), `show -json` of a state, or `show -json`",
        "of a plan. A changed grant is extended (expires later or starts earlier), narrowed (expires earlier,",
        "starts later, less access or fewer resources), widened (more or unknown access, another target or",
        "principal, more resources) and/or has other metadata changes (reason, ticket, requester, approvers,",
        "break-glass). Privileged types come from tempgrant.yaml (privilegedTypes).",
        "",
        "Exit codes:",
        "  0  the diff was produced, whatever it holds",
        "  1  --fail-on-unmanaged, and an unmanaged privileged change was flagged",
        "  2  bad input or usage: empty, not JSON, not a state or plan, a state of another version, ...",
        "",
        "Examples:",
        "  $ cp terraform.tfstate before.tfstate   # ... apply, sweep ...",
        "  $ tempgrant audit diff before.tfstate terraform.tfstate",
        "  $ tofu show -json > after.json && tempgrant audit diff before.json after.json --format markdown",
        "  $ tofu show -json plan.tfplan > plan.json && tempgrant audit diff plan.json --fail-on-unmanaged",
        "  $ tempgrant audit diff before.json after.json --format csv > diff.csv",
      ].join("\n"),
    )
    .action(
      statusAction(async (before: string, after: string | undefined, options: DiffOptions) => {
        // Loaded here, not at the top: --help and other commands should not pay for them.
        const [
          { readDiffSides },
          { diffSnapshots },
          { AUDIT_DIFF_FORMATS },
          { loadCheckConfig, sizeOption },
        ] = await Promise.all([
          import("../../../audit/diff/read-input.js"),
          import("../../../audit/diff/compare.js"),
          import("../../../report/audit-diff-formats.js"),
          import("../../options.js"),
        ]);
        const maxBytes = sizeOption("--max-size", options.maxSize);
        const accessOrder = accessOrderOption(options.accessOrder);
        const config = await loadCheckConfig(options.config);
        const sides = readDiffSides(after === undefined ? [before] : [before, after], maxBytes);
        const diff = diffSnapshots(sides.before, sides.after, {
          privilegedTypes: config.privilegedTypes,
          accessOrder,
        });
        process.stdout.write(AUDIT_DIFF_FORMATS[options.format](diff, { colour: useColour() }));
        return options.failOnUnmanaged && diff.unmanaged.length > 0 ? "failed" : "ok";
      }),
    );
}

function accessOrderOption(value: string): string[] {
  const levels = value.split(",").map((level) => level.trim());
  if (levels.some((level) => level === "")) {
    throw new TempgrantError(
      "USAGE",
      `--access-order "${value}" is not a list of levels: use for example read,write,admin`,
    );
  }
  return levels;
}
