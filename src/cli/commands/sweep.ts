import { Command } from "commander";
import { TempgrantError } from "../../errors.js";
import { statusAction } from "../exit-codes.js";
import { withStackOptions, type StackRunOptions } from "../stack-options.js";

interface SweepOptions extends StackRunOptions {
  dryRun: boolean;
  full: boolean;
  json: boolean;
  ledger?: string;
  synthTimeout: string;
}

/** Default for --synth-timeout: a healthy app synthesizes in seconds. */
const DEFAULT_SYNTH_TIMEOUT = "300s";

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
    .option(
      "--full",
      "always run the app and plan in full, even when nothing it reads changed since the last full sweep",
      false,
    )
    .option("--json", "print the outcome of each stack as JSON", false)
    .option(
      "--ledger <file>",
      "append the events of each stack to this hash-chained ledger (default: TEMPGRANT_LEDGER, " +
        "tempgrant.yaml's ledger:, else <project>/.tempgrant/ledger.jsonl)",
    )
    .option(
      "--synth-timeout <duration>",
      "kill the cdktf app after this long and revoke from the state alone (degraded)",
      DEFAULT_SYNTH_TIMEOUT,
    )
    .addHelpText(
      "after",
      [
        "",
        "Grants that fail validation at sweep time count as not active: they are revoked and reported.",
        "Resources a grant owned that an interrupted revocation left behind are revoked too.",
        "Each stack appends a sweep event to the ledger, and a verification event when it applied",
        "revocations; a failure appends a failure event. --dry-run records nothing.",
        "",
        "Fast path: when nothing the app reads (its sources, the files and environment variables it",
        "read, cdktf.json, tempgrant.yaml, the engine and providers) changed since the last full sweep",
        "that left nothing to do, and the state is the one that sweep left, the app is not run: the",
        "grants expired since are revoked from the state and verified there (event path: state).",
        "Anything else, --full, a last full sweep over a day old or over 250 grants expiring at once",
        "runs the app.",
        "",
        "Degraded mode: when the app fails, does not compile, synthesizes nothing, runs past",
        "--synth-timeout or no longer synthesizes a stack an earlier sweep swept (or the plan fails),",
        "the sweep revokes from the state alone every grant expired at the clock, against the last",
        "good configuration, reports the grants whose status it cannot know, and exits 5.",
        "When the ledger cannot be written, the sweep still revokes, prints each unrecorded event",
        'to stderr as {"unrecorded": ...}, and exits 1; the next sweep records a recovered event.',
        "",
        "Exit codes:",
        "  0  every due revocation applied and verified; nothing else pending",
        "  1  a failure: the plan, the revocation-only guard, the apply, the verification, or the ledger append",
        "  2  bad input or usage; nothing was done",
        "  4  revocations done and verified, but other changes are pending (run `tempgrant plan`)",
        "  5  degraded: revoked from the state alone (the build is broken); fix the app",
        "",
        "Examples:",
        "  $ tempgrant sweep --stack prod",
        "  $ tempgrant sweep --dry-run --now 2027-01-12T03:00:00Z",
        "  $ tempgrant sweep --json > sweep.json",
        "  $ tempgrant sweep --synth-timeout 2m",
        "  $ tempgrant sweep --full",
        "  $ TEMPGRANT_LEDGER=/srv/audit/ledger.jsonl tempgrant sweep",
      ].join("\n"),
    )
    .action(
      statusAction(async (options: SweepOptions) => {
        const [{ resolveClock }, { parseDuration }, { loadCheckConfig }, { runSweep }] = await Promise.all([
          import("../../grant/clock.js"),
          import("../../grant/duration.js"),
          import("../options.js"),
          import("../../sweep/run-sweep.js"),
        ]);
        // Everything the command line says is checked before any work.
        const clock = resolveClock(options.now);
        const synthTimeoutSeconds = parseDuration(options.synthTimeout);
        if (synthTimeoutSeconds === undefined || synthTimeoutSeconds <= 0) {
          throw new TempgrantError(
            "USAGE",
            `--synth-timeout: "${options.synthTimeout}" is not a positive duration (for example 300s, 5m)`,
          );
        }
        const log = (line: string) => process.stderr.write(`[sweep] ${line}\n`);
        const result = await runSweep({
          projectDir: options.chdir,
          outdir: options.out,
          stacks: options.stack,
          now: clock.now,
          loadConfig: () => loadCheckConfig(options.config, options.chdir),
          ...(options.ledger !== undefined ? { ledger: options.ledger } : {}),
          ...(options.engine !== undefined ? { engine: options.engine } : {}),
          lockTimeout: options.lockTimeout,
          synthTimeoutSeconds,
          dryRun: options.dryRun,
          full: options.full,
          log,
          // The record of a revocation must survive the ledger: one JSON line per event on stderr.
          onUnrecorded: (event, error) =>
            process.stderr.write(`${JSON.stringify({ unrecorded: event, error })}\n`),
        });
        for (const report of result.stacks) {
          const { stack, body } = report;
          if (!body) continue;
          log(
            `${stack}: phases (s): ${Object.entries(body.phases)
              .map(([phase, seconds]) => `${phase} ${(seconds ?? 0).toFixed(2)}`)
              .join(", ")}`,
          );
          if (options.json) {
            const event = { type: options.dryRun ? "sweep-dry-run" : "sweep", ...body };
            process.stdout.write(`${JSON.stringify(event, null, 2)}\n`);
            continue;
          }
          const ids = body.revoked.map((r) => (r.leftover ? `${r.id} [left behind]` : r.id)).join(", ");
          const changes = body.pending.map((p) => `${p.action} ${p.address}`).join(", ");
          const lines = [
            `${stack}: ${options.dryRun ? "would revoke" : "revoked"} ${body.revoked.length} grant(s)` +
              (ids ? ` (${ids})` : "") +
              (options.dryRun ? "" : body.verified ? ", verified" : ", NOT VERIFIED"),
            `${stack}: ${body.pending.length} other change(s) pending${changes ? `: ${changes}` : ""}`,
            `${stack}: next expiry ${body.nextExpiry ? `${body.nextExpiry} (${report.nextExpiryId})` : "none"}`,
          ];
          if (body.path === "state") {
            lines.splice(
              1,
              1,
              `${stack}: fast path (the app did not run); other pending changes show at the next full sweep`,
            );
          }
          if (body.degraded) {
            const unknown = body.degraded.unknownGrants.map((grant) => grant.id).join(", ");
            lines.unshift(`${stack}: DEGRADED (revoked from the state alone): ${body.degraded.reason}`);
            lines.splice(
              2,
              1,
              `${stack}: status unknown for ${body.degraded.unknownGrants.length} grant(s)${unknown ? `: ${unknown}` : ""} (not expired; removed from the code?)`,
            );
          }
          process.stdout.write(`${lines.join("\n")}\n\n`);
        }
        for (const report of result.stacks) {
          if (report.error) process.stderr.write(`tempgrant: ${report.error}\n`);
        }
        for (const failure of result.failures) {
          if (!result.stacks.some((report) => report.error === failure.error)) {
            process.stderr.write(`tempgrant: ${failure.step}: ${failure.error}\n`);
          }
        }
        if (result.unrecorded > 0) {
          process.stderr.write(
            `tempgrant: ledger: ${result.unrecorded} event(s) could not be recorded in ${result.ledgerPath} ` +
              "(printed above as JSON); the revocations were done: fix the ledger, the next sweep records them\n",
          );
        }
        return result.status;
      }),
    );
}
