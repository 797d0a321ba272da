#!/usr/bin/env node
// Entry point of the `tempgrant` bin: the only place that exits.
import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { TempgrantError } from "../errors.js";
import { deferStopSignals } from "../exec/interrupt.js";
import { commandStatus, EXIT, exitCodeFor, exitCodeForStatus } from "./exit-codes.js";
import { buildProgram, invokedCommand } from "./program.js";

function packageVersion(): string {
  // Two levels up from src/cli (source) or dist/src/cli (built) is not the same root, so look for it.
  for (const relative of ["../../package.json", "../../../package.json"]) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (parsed.name === "tempgrant" && parsed.version) return parsed.version;
    } catch {
      // try the next candidate
    }
  }
  return "0.0.0";
}

// A reader that stops early (`tempgrant --help | head`) is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? EXIT.OK);
  throw error;
});

// Stopped mid-run, let the running tofu finish its own shutdown (see exec/interrupt.ts).
deferStopSignals();

const program = await buildProgram(packageVersion(), invokedCommand(process.argv));
try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCodeForStatus(commandStatus());
} catch (error) {
  if (error instanceof CommanderError) {
    // commander already printed the message (or the help/version text).
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else {
    const message = error instanceof TempgrantError ? error.message : `internal error: ${String(error)}`;
    process.stderr.write(`tempgrant: ${message}\n`);
    process.exitCode = exitCodeFor(error);
  }
}
