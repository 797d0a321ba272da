import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { formatDuration } from "../grant/duration.js";
import { join, relative, resolve } from "node:path";
import { parse } from "shell-quote";
import { describeCommand, runCommand, type CommandResult } from "../exec/run-command.js";
import { TempgrantError } from "../errors.js";
import { SYNTH_REPORT_ENV, type SynthReport } from "../constructs/synth-report.js";
import { GrantProblemsError } from "../grant/index.js";
import { APP_INPUTS_ENV, appInputsPreloadFlags, readAppInputs, type AppInputs } from "./app-inputs.js";
import { compiledApp } from "./compiled-app.js";

/** Options of {@link synthApp}. */
export interface SynthAppOptions {
  /** The project folder holding cdktf.json. */
  readonly projectDir: string;
  /** Where cdktf writes; relative to the project. */
  readonly outdir: string;
  /** The run's clock (epoch seconds), passed to the app as TEMPGRANT_NOW. */
  readonly now: string;
  /** Early-revocation margin, passed as TEMPGRANT_REVOCATION_MARGIN. */
  readonly revocationMargin?: string;
  /** `skip` (sweeps): invalid grants synthesize nothing, so they are revoked. Passed as TEMPGRANT_INVALID_GRANTS. */
  readonly invalidGrants?: "fail" | "skip";
  /** Kill the app (its whole process group) after this many milliseconds; default: no limit. */
  readonly timeoutMs?: number;
}

/**
 * Runs the project's cdktf app (the `app` command of cdktf.json) with the run's clock, the
 * way cdktf-cli would, and returns the working directory of each synthesized stack. The
 * command is split into an argument vector; shell operators are refused, not interpreted.
 * The stacks are those of the manifest this run of the app wrote (an earlier run's stack
 * folders left in the output are not this run's stacks); an app that exits 0 without writing
 * one synthesized nothing. Past `timeoutMs` the app is killed (SYNTH_TIMEOUT). A TypeScript
 * app run through tsx runs compiled when it can be (see compiled-app.ts); messages name the
 * command as written.
 */
export async function synthApp(options: SynthAppOptions): Promise<Record<string, string>> {
  return (await synthAppRun(options)).stacks;
}

/** What {@link synthAppRun} ran, besides the stacks. */
export interface SynthRun {
  /** Each synthesized stack's working directory, by name. */
  readonly stacks: Record<string, string>;
  /** The compiled bundle that ran (undefined: the app ran as written). */
  readonly bundle?: string;
  /** What the compiled app read (with `recordInputs`); undefined when not recorded or unreadable. */
  readonly inputs?: AppInputs;
}

/** {@link synthApp}, also saying which bundle ran and, with `recordInputs`, what it read (app-inputs.ts). */
export async function synthAppRun(
  options: SynthAppOptions & { readonly recordInputs?: boolean },
): Promise<SynthRun> {
  const argv = appCommand(options.projectDir);
  const outdir = resolve(options.projectDir, options.outdir);
  mkdirSync(outdir, { recursive: true });
  const manifest = join(outdir, "manifest.json");
  const reportFile = join(outdir, "tempgrant-synth-report.json");
  const inputsFile = join(outdir, "tempgrant-app-inputs.json");
  rmSync(manifest, { force: true });
  rmSync(reportFile, { force: true });
  rmSync(inputsFile, { force: true });
  const written = { program: argv[0] as string, args: argv.slice(1) };
  const compiled = await compiledApp(options.projectDir, argv, { outdir });
  const record = compiled !== undefined && options.recordInputs === true;
  const [program, ...args] = (
    compiled
      ? record
        ? [compiled.argv[0], ...appInputsPreloadFlags(), ...compiled.argv.slice(1)]
        : compiled.argv
      : argv
  ) as [string, ...string[]];
  const spec = {
    program,
    args,
    cwd: options.projectDir,
    env: { ...appEnvironment(options), ...(record ? { [APP_INPUTS_ENV]: inputsFile } : {}) },
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs, killGroupOnTimeout: true } : {}),
  };
  const result = await runCommand(spec);
  if (result.timedOut) {
    throw new TempgrantError(
      "SYNTH_TIMEOUT",
      `the cdktf app did not finish within ${formatDuration(Math.round((options.timeoutMs ?? 0) / 1000))} and was killed`,
    );
  }
  if (result.exitCode !== 0)
    throw appFailure(readReport(reportFile, options.projectDir), result, describeCommand(written));
  let stacks: unknown;
  try {
    stacks = (JSON.parse(readFileSync(manifest, "utf8")) as { stacks?: unknown }).stacks;
  } catch {
    throw new TempgrantError(
      "INVALID_INPUT",
      `the app exited 0 but synthesized nothing: no readable ${manifest} (does it call app.synth()?)`,
    );
  }
  const names = Object.keys(typeof stacks === "object" && stacks !== null ? stacks : {}).sort();
  if (names.length === 0)
    throw new TempgrantError("INVALID_INPUT", `the app synthesized no stacks into ${outdir}`);
  const entries = stacks as Record<string, { workingDirectory?: unknown }>;
  const inputs = record ? readAppInputs(inputsFile) : undefined;
  return {
    stacks: Object.fromEntries(
      names.map((name) => {
        const dir = entries[name]?.workingDirectory;
        return [name, typeof dir === "string" ? resolve(outdir, dir) : join(outdir, "stacks", name)];
      }),
    ),
    ...(compiled ? { bundle: compiled.bundle } : {}),
    ...(inputs ? { inputs } : {}),
  };
}

/** The cdktf.json of a project: its text (part of what a sweep compares) and the app command, split. */
export function appCommand(projectDir: string): string[] {
  const configPath = join(projectDir, "cdktf.json");
  if (!existsSync(configPath)) {
    throw new TempgrantError(
      "INVALID_INPUT",
      `${configPath}: no such file (run in a cdktf project, or pass --chdir)`,
    );
  }
  let app: unknown;
  try {
    app = (JSON.parse(readFileSync(configPath, "utf8")) as { app?: unknown }).app;
  } catch (error) {
    throw new TempgrantError("INVALID_INPUT", `${configPath}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof app !== "string" || app.trim() === "") {
    throw new TempgrantError(
      "INVALID_INPUT",
      `${configPath}: "app" must be the command that synthesizes the stacks`,
    );
  }
  const argv = parse(app);
  if (!argv.every((part): part is string => typeof part === "string") || argv.length === 0) {
    throw new TempgrantError(
      "INVALID_INPUT",
      `${configPath}: "app" must be a plain command; shell operators are not run`,
    );
  }
  return argv;
}

/** The environment the app runs with: the caller's, the run's clock and settings, where to write. */
export function appEnvironment(options: SynthAppOptions): NodeJS.ProcessEnv {
  const outdir = resolve(options.projectDir, options.outdir);
  return {
    ...process.env,
    TEMPGRANT_NOW: options.now,
    CDKTF_OUTDIR: outdir,
    [SYNTH_REPORT_ENV]: join(outdir, "tempgrant-synth-report.json"),
    ...(options.revocationMargin ? { TEMPGRANT_REVOCATION_MARGIN: options.revocationMargin } : {}),
    ...(options.invalidGrants ? { TEMPGRANT_INVALID_GRANTS: options.invalidGrants } : {}),
  };
}

/**
 * The report a failed app wrote, its grant files named from where the user stands (the app
 * names them from the project folder, which --chdir may have moved).
 */
function readReport(file: string, projectDir: string): SynthReport | undefined {
  let report: SynthReport;
  try {
    report = JSON.parse(readFileSync(file, "utf8")) as SynthReport;
  } catch {
    return undefined;
  }
  const shown = (path: string): string => {
    const full = resolve(projectDir, path);
    return existsSync(full) ? relative(process.cwd(), full) || path : path;
  };
  return {
    ...report,
    problems: (report.problems ?? []).map((problem) => ({ ...problem, file: shown(problem.file) })),
  };
}

/** Codes of tempgrant's own errors that mean the user's input is wrong (exit 2). */
const INPUT_CODES = new Set(["INVALID_INPUT", "USAGE"]);

/**
 * The error for a failed app, in one line per problem and never its stack trace: the grant
 * problems the app reported (exit 2, as `tempgrant grants` reports them); else the error
 * that ended it, with where it was thrown; else, for an app that does not call
 * configureFromEnvironment, the error line of its output.
 */
function appFailure(report: SynthReport | undefined, result: CommandResult, command: string): Error {
  if (report && report.problems.length > 0) return new GrantProblemsError(report.problems);
  if (report?.code !== undefined && INPUT_CODES.has(report.code))
    return new TempgrantError(report.code, report.message);
  const output = result.stderr.trim() || result.stdout.trim();
  // An error line that ends in ":" (a compiler's "Transform failed with 1 error:") is followed by what failed.
  const errorLine = /^\s*(?:[A-Z]\w*)?Error\b[^:\n]*: (.+?:?)$(?:\n(.+)$)?/m.exec(output);
  const message =
    report?.message ??
    (errorLine?.[1]?.endsWith(":") && errorLine[2]
      ? `${errorLine[1]} ${errorLine[2].trim()}`
      : errorLine?.[1]) ??
    output.split("\n").find((line) => line.trim() !== "") ??
    `exited with ${result.exitCode}`;
  const at = report?.at ? ` (at ${report.at})` : "";
  return new TempgrantError(
    "SYNTH_FAILED",
    `the cdktf app failed: ${message}${at}; run \`${command}\` to see all of its output`,
  );
}
