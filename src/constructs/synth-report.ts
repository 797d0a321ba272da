import { writeFileSync } from "node:fs";
import type { LocatedProblem } from "../grant/index.js";

/**
 * The file `tempgrant plan`, `apply`, `sweep` and `grants --app` ask the app to write when it
 * fails (see src/check/synth-app.ts): the error's code and first line, and every grant problem
 * found, so the CLI reports them as `tempgrant grants` does instead of relaying a stack trace.
 */
export const SYNTH_REPORT_ENV = "TEMPGRANT_SYNTH_REPORT";

/** What a failed app writes to {@link SYNTH_REPORT_ENV}. */
export interface SynthReport {
  /** The error's `code` when it has one (a TempgrantError's), else undefined. */
  readonly code?: string;
  /** The error message's first line. */
  readonly message: string;
  /** Where the app threw from: the first stack frame outside node's own modules. */
  readonly at?: string;
  readonly problems: readonly LocatedProblem[];
}

/** Grant problems the constructs found in this process, reported even when cdktf's validation is what throws. */
const found: LocatedProblem[] = [];

/** Records grant problems for the report (TemporaryGrant's and YamlGrants' problems). */
export function recordGrantProblems(problems: readonly LocatedProblem[]): void {
  found.push(...problems);
}

let installed = false;

/**
 * When the CLI runs the app (`TEMPGRANT_SYNTH_REPORT` set), an error that ends it is written
 * to that file as a {@link SynthReport} before the process exits 1. Run by hand, the app
 * fails as any node program does.
 */
export function reportSynthFailures(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[SYNTH_REPORT_ENV];
  if (!file || installed) return;
  installed = true;
  process.on("uncaughtException", (error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    const code = (err as { code?: unknown }).code;
    const own = (err as { problems?: readonly LocatedProblem[] }).problems;
    const problems = [...found, ...(Array.isArray(own) ? own : [])];
    const report: SynthReport = {
      ...(typeof code === "string" ? { code } : {}),
      message: err.message.split("\n")[0] ?? "",
      ...(throwSite(err) ? { at: throwSite(err) } : {}),
      problems: [...new Map(problems.map((problem) => [JSON.stringify(problem), problem])).values()],
    };
    try {
      writeFileSync(file, JSON.stringify(report));
    } finally {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exit(1);
    }
  });
}

/** `file:line` of the first stack frame that is not node's own, without the `file://` prefix. */
function throwSite(error: Error): string | undefined {
  for (const line of (error.stack ?? "").split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):\d+\)?$/.exec(line.trim());
    if (match?.[1] && !match[1].includes("/node_modules/") && !line.includes("node:"))
      return `${match[1].replace(/^file:\/\//, "")}:${match[2]}`;
  }
  return undefined;
}
