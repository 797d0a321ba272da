import { withLedgerOptions, ledgerPathFor, type LedgerOptions } from "./ledger-options.js";
import { Command } from "commander";
import { TempgrantError } from "../../../errors.js";
import { statusAction } from "../../exit-codes.js";

interface VerifyOptions extends LedgerOptions {
  expectHead?: string;
  json: boolean;
  approvals: boolean;
  allowedSigners?: string;
}

/** `tempgrant audit verify`: checks the ledger's hash chain and, optionally, its head. */
export function auditVerifyCommand(): Command {
  return withLedgerOptions(new Command("verify"))
    .description(
      "Check the ledger's hash chain line by line and name the first edited, removed, reordered or inserted line; " +
        "print the head (last seq and hash) to anchor it.",
    )
    .option(
      "--expect-head <hash>",
      "fail unless the last entry has this hash: catches lines removed from the end, which the chain cannot",
    )
    .option("--json", "print the result as JSON", false)
    .option(
      "--approvals",
      "also verify again every approval signature the ledger recorded, over each grant's recorded digest",
      false,
    )
    .option(
      "--allowed-signers <file>",
      "with --approvals: the allowed-signers file (default: tempgrant.yaml's approvals.allowedSigners)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Removing the last lines leaves a shorter chain that is still valid. Keep the printed head somewhere",
        "the ledger's writers cannot change (a ticket, a signed commit) and pass it back with --expect-head.",
        "",
        "Exit codes:",
        "  0  the chain is intact (and the head is the expected one)",
        "  1  tampered: a line breaks the chain (named with its line number, seq and why), or the head differs;",
        "     with --approvals also: a recorded signature that does not verify over its grant's digest",
        "  2  bad input: no ledger there, an empty file, not a ledger, or a malformed --expect-head",
        "",
        "Examples:",
        "  $ tempgrant audit verify",
        "  $ tempgrant audit verify --ledger /srv/audit/ledger.jsonl --json",
        '  $ tempgrant audit verify --expect-head "$(cat last-audit.head)"   # the head recorded last time',
        "  $ tempgrant audit verify --approvals --allowed-signers allowed_signers",
      ].join("\n"),
    )
    .action(
      statusAction(async (options: VerifyOptions) => {
        const { verifyLedger } = await import("../../../audit/ledger/index.js");
        const expected = options.expectHead?.trim().toLowerCase();
        if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
          throw new TempgrantError(
            "USAGE",
            `--expect-head "${options.expectHead}" is not a sha256 hash (64 hex digits, as verify prints it)`,
          );
        }
        const path = await ledgerPathFor(options);
        const result = await verifyLedger(path, {
          ...(expected !== undefined ? { expectHead: expected } : {}),
        });
        const approvals = options.approvals ? await approvalAudits(path, options) : undefined;
        if (options.json) {
          process.stdout.write(`${JSON.stringify(approvals ? { ...result, approvals } : result, null, 2)}\n`);
        } else {
          const { firstBad, head, headCheck } = result;
          const lines = [
            firstBad
              ? `${result.path}: TAMPERED at line ${firstBad.line}` +
                (firstBad.seq !== null ? ` (seq ${firstBad.seq})` : "") +
                `: ${firstBad.fault}: ${firstBad.message}`
              : `${result.path}: chain intact, ${result.lines} entries`,
            head
              ? `head: seq ${head.seq} ${head.hash}` +
                (firstBad ? " (the last line; the chain is broken before it)" : "")
              : "head: none (the last line is not an entry)",
          ];
          if (headCheck && !headCheck.matches) {
            lines.push(
              `${result.path}: HEAD DIFFERS from the expected ${headCheck.expected}: ` +
                (headCheck.foundAtLine !== null
                  ? `that is line ${headCheck.foundAtLine}; entries were appended after it (pass the new head to accept them)`
                  : "no entry has that hash: entries were removed from the end, or the ledger was rewritten"),
            );
          }
          for (const audit of approvals ?? []) lines.push(describeAudit(audit));
          process.stdout.write(`${lines.join("\n")}\n`);
        }
        return !result.valid || approvals?.some((audit) => audit.problems.length > 0) ? "failed" : "ok";
      }),
    );
}

/** The ledger's recorded approvals, each signature verified again with the allowed-signers file. */
async function approvalAudits(path: string, options: VerifyOptions) {
  const [{ readLedger }, { auditApprovals }, { parseAllowedSigners }, { loadCheckConfig }, { readFileSync }] =
    await Promise.all([
      import("../../../audit/ledger/index.js"),
      import("../../../audit/verify-approvals.js"),
      import("../../../approval/allowed-signers.js"),
      import("../../options.js"),
      import("node:fs"),
    ]);
  const config = await loadCheckConfig(options.config);
  const file = options.allowedSigners ?? config.evidence.allowedSigners;
  if (!file) {
    throw new TempgrantError(
      "USAGE",
      "--approvals needs the allowed-signers file: pass --allowed-signers, or set approvals.allowedSigners in tempgrant.yaml",
    );
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new TempgrantError("INVALID_INPUT", `${file}: ${(error as Error).message}`);
  }
  return auditApprovals(
    await readLedger(path),
    parseAllowedSigners(text, file),
    config.policy.approvals.aliases,
  );
}

/** One line per applied grant: who verifiably approved which digest, or what fails. */
function describeAudit(audit: import("../../../audit/verify-approvals.js").ApprovalAudit): string {
  const who = [
    ...audit.verified.map((person) => `${person} (signature verified)`),
    ...audit.reviews.map(
      (review) => `${review.person} (review ${review.reviewId} of ${review.commit}, recorded)`,
    ),
  ];
  const head = `seq ${audit.seq} ${audit.stack}/${audit.grant} ${audit.digest}:`;
  const approved =
    who.length > 0
      ? ` approved by ${who.join(", ")}`
      : audit.breakGlass
        ? " break-glass, no approval"
        : " no approval";
  const problems = audit.problems.map((problem) => `\n  APPROVAL FAILS: ${problem}`).join("");
  return `${head}${approved}${problems}`;
}
