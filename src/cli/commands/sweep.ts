import { performance } from "node:perf_hooks";
import { Command } from "commander";
import type { LedgerEvent } from "../../audit/ledger/index.js";
import { wrapStep } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { synthesizeStacks, withStackOptions, type StackRunOptions } from "../stack-options.js";

interface SweepOptions extends StackRunOptions {
  dryRun: boolean;
  json: boolean;
  ledger?: string;
}

/** `tempgrant sweep`: the scheduled job that revokes every expired grant and verifies it. */
export function sweepCommand(): Command {
  return withStackOptions(
    new Command("sweep").description(
      "Synthesize at the current time and apply only revocations: every grant that expired or left the code " +
        "is destroyed, through a plan limited to it when other changes are pending; then re-plan to verify.",
    ),
    "sweep as of this instant (default: TEMPGRANT_NOW or the clock, read once)",
  )
    .option("--dry-run", "plan and report what would be revoked; apply nothing", false)
    .option("--json", "print the outcome of each stack as JSON", false)
    .option(
      "--ledger <file>",
      "append the events of each stack to this hash-chained ledger (default: TEMPGRANT_LEDGER, " +
        "tempgrant.yaml's ledger:, else <project>/.tempgrant/ledger.jsonl)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Grants that fail validation at sweep time count as not active: they are revoked and reported.",
        "Each stack appends a sweep event to the ledger, and a verification event when it applied",
        "revocations; a failure appends a failure event. --dry-run records nothing.",
        "",
        "Exit codes:",
        "  0  every due revocation applied and verified; nothing else pending",
        "  1  a failure: the plan, the revocation-only guard, the apply, the verification, or the ledger append",
        "  2  bad input or usage (a --ledger that is not a ledger included); nothing was done",
        "  4  revocations done and verified, but other changes are pending (run `tempgrant plan`)",
        "",
        "Examples:",
        "  $ tempgrant sweep --stack prod",
        "  $ tempgrant sweep --dry-run --now 2027-01-12T03:00:00Z",
        "  $ tempgrant sweep --json > sweep.json",
        "  $ TEMPGRANT_LEDGER=/srv/audit/ledger.jsonl tempgrant sweep",
      ].join("\n"),
    )
    .action(async (options: SweepOptions) => {
      // Only what runs before the app is loaded here (the grant model's index would load the
      // schema validator too: the sweep needs only the clock). The rest loads while the app
      // runs, when this process would otherwise wait for it.
      const [
        { formatTimestamp },
        { resolveClock },
        { resolveLedgerPath },
        { readLedgerHead },
        { loadCheckConfig },
      ] = await Promise.all([
        import("../../grant/time.js"),
        import("../../grant/clock.js"),
        import("../../audit/ledger/location.js"),
        import("../../audit/ledger/tail.js"),
        import("../options.js"),
        // Loaded now so that synthesizeStacks starts the app at once, ahead of what loads meanwhile.
        import("../../check/synth-app.js"),
        import("../../runner/engine.js"),
      ]);
      const clock = resolveClock(options.now);
      const config = await loadCheckConfig(options.config);
      const log = (line: string) => process.stderr.write(`[sweep] ${line}\n`);
      const ledgerPath = resolveLedgerPath({
        option: options.ledger,
        config,
        projectDir: options.chdir,
      });
      // A ledger we could not append to must stop the sweep before it revokes, not after.
      if (!options.dryRun) {
        await readLedgerHead(ledgerPath).catch((error: unknown) => {
          throw wrapStep("ledger", error);
        });
      }
      const afterSynth = Promise.all([
        import("../../sweep/sweep-stack.js"),
        import("../../sweep/postgres-target-check.js"),
        import("../../sweep/declared-listing.js"),
        import("../../audit/ledger/append.js"),
      ]);
      afterSynth.catch(() => {}); // awaited after the app ran; meanwhile a failure must not go unhandled
      const synthStarted = performance.now();
      const stacks = await synthesizeStacks(options, formatTimestamp(clock.now), {
        revocationMargin: `${config.revocationMarginSeconds}s`,
        invalidGrants: "skip",
      });
      // One app run for every stack: each stack's event reports it.
      const synthSeconds = Math.round(performance.now() - synthStarted) / 1000;
      const [{ sweepStack }, { postgresTargetCheck }, listing, { appendLedgerEvent }] = await afterSynth;
      const record = async (event: LedgerEvent) => {
        await appendLedgerEvent(ledgerPath, event).catch((error: unknown) => {
          throw wrapStep("ledger", error);
        });
      };
      let exit: number = EXIT.OK;
      for (const { name, workspace } of stacks) {
        const declared = listing.listedGrants(workspace.workingDir);
        const invalid = declared.filter((grant) => grant.status === "invalid");
        for (const grant of invalid) {
          log(
            `INVALID grant ${grant.id} (${grant.source}) is revoked: ${grant.problems.map((p) => p.message).join("; ")}`,
          );
        }
        const outcome = await sweepStack({
          stack: name,
          workspace,
          now: clock.now,
          privilegedTypes: config.privilegedTypes,
          dryRun: options.dryRun,
          onProgress: log,
          targetCheck: postgresTargetCheck(),
          onBeforeApply: ({ grants, planSha256 }) =>
            record({
              type: "sweep-started",
              stack: name,
              now: formatTimestamp(clock.now),
              grants,
              planSha256,
            }),
        }).catch(async (error: unknown) => {
          if (!options.dryRun) {
            await record({
              type: "failure",
              step: "sweep",
              now: formatTimestamp(clock.now),
              stack: name,
              error: error instanceof Error ? error.message : String(error),
            }).catch((ledgerError: unknown) => {
              // The sweep's own error is the one to exit with; still say the record is missing.
              log((ledgerError as Error).message);
            });
          }
          throw error;
        });
        const next = listing.nextExpiry(
          declared.filter((grant) => !outcome.revoked.some((r) => r.id === grant.id)),
        );
        const phases = { synth: synthSeconds, ...outcome.phases };
        log(
          `${name}: phases (s): ${Object.entries(phases)
            .map(([phase, seconds]) => `${phase} ${seconds.toFixed(2)}`)
            .join(", ")}`,
        );
        const body = {
          ...outcome,
          phases,
          invalidGrants: invalid.map((grant) => grant.id),
          nextExpiry: next?.expiresAt ? formatTimestamp(next.expiresAt) : null,
        };
        const event = { type: options.dryRun ? "sweep-dry-run" : "sweep", ...body };
        if (!options.dryRun) {
          await record({ type: "sweep", ...body });
          // Only a sweep that applied something has a revocation to vouch for.
          if (outcome.planSha256 !== null) {
            await record({
              type: "verification",
              stack: name,
              now: outcome.now,
              grants: outcome.revoked.map((grant) => grant.id),
              verified: outcome.verified,
              method: ["re-plan", ...new Set((outcome.targetChecks ?? []).map((check) => check.method))].join(
                "+",
              ),
              ...(outcome.targetChecks && outcome.targetChecks.length > 0
                ? { targetChecks: outcome.targetChecks }
                : {}),
            });
          }
        }
        if (options.json) {
          process.stdout.write(`${JSON.stringify(event, null, 2)}\n`);
        } else {
          const ids = outcome.revoked.map((r) => r.id).join(", ");
          const changes = outcome.pending.map((p) => `${p.action} ${p.address}`).join(", ");
          process.stdout.write(
            [
              `${name}: ${options.dryRun ? "would revoke" : "revoked"} ${outcome.revoked.length} grant(s)` +
                (ids ? ` (${ids})` : "") +
                (options.dryRun ? "" : outcome.verified ? ", verified" : ", NOT VERIFIED"),
              `${name}: ${outcome.pending.length} other change(s) pending${changes ? `: ${changes}` : ""}`,
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
