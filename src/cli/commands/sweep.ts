import { join, resolve } from "node:path";
import { Command } from "commander";
import { TempgrantError, wrapStep } from "../../errors.js";
import { DEFAULT_LOCK_TIMEOUT } from "../../runner/workspace.js";
import { EXIT } from "../exit-codes.js";

interface SweepOptions {
  now?: string;
  config?: string;
  stack: string[];
  chdir: string;
  out: string;
  engine?: string;
  lockTimeout: string;
  dryRun: boolean;
  json: boolean;
  ledger?: string;
}

/** `tempgrant sweep`: the scheduled job that revokes every expired grant and verifies it. */
export function sweepCommand(): Command {
  return new Command("sweep")
    .description(
      "Synthesize at the current time and apply only revocations: every grant that expired or left the code " +
        "is destroyed, through a plan limited to it when other changes are pending; then re-plan to verify.",
    )
    .option("--now <time>", "sweep as of this instant (default: TEMPGRANT_NOW or the clock, read once)")
    .option(
      "--config <file>",
      "tempgrant.yaml (privileged types, revocation margin); default ./tempgrant.yaml",
    )
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
    .option("--dry-run", "plan and report what would be revoked; apply nothing", false)
    .option("--json", "print the outcome of each stack as JSON", false)
    .option(
      "--ledger <file>",
      "append one event per stack to this JSON-lines ledger (default: <project>/.tempgrant/ledger.jsonl)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Grants that fail validation at sweep time count as not active: they are revoked and reported.",
        "",
        "Exit codes:",
        "  0  every due revocation applied and verified; nothing else pending",
        "  1  a failure: the plan, the revocation-only guard, the apply, or the verification",
        "  2  bad input or usage",
        "  4  revocations done and verified, but other changes are pending (run `tempgrant plan`)",
        "",
        "Examples:",
        "  $ tempgrant sweep --stack prod",
        "  $ tempgrant sweep --dry-run --now 2027-01-12T03:00:00Z",
        "  $ tempgrant sweep --json > sweep.json",
      ].join("\n"),
    )
    .action(async (options: SweepOptions) => {
      const [
        { synthApp },
        { formatTimestamp, resolveClock },
        runner,
        { sweepStack },
        listing,
        { appendLedgerEvent },
        { loadCheckConfig },
      ] = await Promise.all([
        import("../../check/synth-app.js"),
        import("../../grant/index.js"),
        import("../../runner/index.js"),
        import("../../sweep/sweep-stack.js"),
        import("../../sweep/declared-listing.js"),
        import("../../sweep/ledger-file.js"),
        import("../options.js"),
      ]);
      const clock = resolveClock(options.now);
      const config = await loadCheckConfig(options.config);
      const log = (line: string) => process.stderr.write(`[sweep] ${line}\n`);
      const stacks = await synthApp({
        projectDir: options.chdir,
        outdir: options.out,
        now: formatTimestamp(clock.now),
        revocationMargin: `${config.revocationMarginSeconds}s`,
        invalidGrants: "skip",
      }).catch((error: unknown) => {
        throw wrapStep("synth", error);
      });
      const selected = options.stack.length > 0 ? options.stack : Object.keys(stacks);
      const ledger = options.ledger ?? join(resolve(options.chdir), ".tempgrant", "ledger.jsonl");
      let exit: number = EXIT.OK;
      for (const name of selected) {
        const workingDir = stacks[name];
        if (!workingDir) {
          throw new TempgrantError(
            "USAGE",
            `no stack "${name}" (the app synthesized: ${Object.keys(stacks).join(", ")})`,
          );
        }
        const declared = listing.listedGrants(workingDir);
        for (const invalid of declared.filter((grant) => grant.status === "invalid")) {
          log(
            `INVALID grant ${invalid.id} (${invalid.source}) is revoked: ${invalid.problems.map((p) => p.message).join("; ")}`,
          );
        }
        const workspace = {
          engine: runner.resolveEngine(options.engine ? { kind: options.engine } : {}),
          workingDir,
          lockTimeout: options.lockTimeout,
        };
        let outcome;
        try {
          outcome = await sweepStack({
            stack: name,
            workspace,
            now: clock.now,
            privilegedTypes: config.privilegedTypes,
            dryRun: options.dryRun,
            onProgress: log,
          });
        } catch (error) {
          appendLedgerEvent(ledger, {
            type: "sweep-failed",
            at: formatTimestamp(clock.now),
            stack: name,
            error: error instanceof Error ? error.message : String(error),
          });
          throw error;
        }
        const next = listing.nextExpiry(
          declared.filter((grant) => !outcome.revoked.some((r) => r.id === grant.id)),
        );
        const event = {
          type: options.dryRun ? "sweep-dry-run" : "sweep",
          ...outcome,
          invalidGrants: declared.filter((grant) => grant.status === "invalid").map((grant) => grant.id),
          nextExpiry: next?.expiresAt ? formatTimestamp(next.expiresAt) : null,
        };
        if (!options.dryRun) appendLedgerEvent(ledger, event);
        if (options.json) process.stdout.write(`${JSON.stringify(event, null, 2)}\n`);
        else {
          process.stdout.write(
            [
              `${name}: ${options.dryRun ? "would revoke" : "revoked"} ${outcome.revoked.length} grant(s)` +
                (outcome.revoked.length > 0 ? ` (${outcome.revoked.map((r) => r.id).join(", ")})` : "") +
                (options.dryRun ? "" : outcome.verified ? ", verified" : ", NOT VERIFIED"),
              `${name}: ${outcome.pending.length} other change(s) pending` +
                (outcome.pending.length > 0
                  ? `: ${outcome.pending.map((p) => `${p.action} ${p.address}`).join(", ")}`
                  : ""),
              `${name}: next expiry ${next?.expiresAt ? `${formatTimestamp(next.expiresAt)} (${next.id})` : "none"}`,
              "",
            ].join("\n"),
          );
        }
        if (!options.dryRun && !outcome.verified) exit = EXIT.FAILURE;
        else if (outcome.pending.length > 0 && exit === EXIT.OK) exit = EXIT.PENDING;
      }
      process.exitCode = exit;
    });
}
