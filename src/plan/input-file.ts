import { statSync } from "node:fs";
import { TempgrantError } from "../errors.js";

/** What an input file's messages tell the user to do, by the command that reads it. */
export interface InputFileHints {
  /** Said of a missing file: what the file should be and how to make one. */
  readonly missing: string;
  /** Said of a file over the limit: the option that raises it. */
  readonly sizeOption: string;
}

/**
 * The size of a JSON input file (a plan, a state) about to be read, once it is known to be
 * a file no larger than `maxBytes`: exit 2 and a one-line message naming it otherwise. The
 * first step of every reading of plans and states (read-plan.ts, the audit's diff input).
 */
export function inputFileSize(path: string, maxBytes: number, hints: InputFileHints): number {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw badInputFile(path, "is not a file");
    size = stat.size;
  } catch (error) {
    if (error instanceof TempgrantError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw badInputFile(
      path,
      code === "ENOENT" ? `no such file (${hints.missing})` : (error as Error).message,
    );
  }
  if (size > maxBytes) {
    throw badInputFile(
      path,
      `is ${formatMiB(size)}, over the ${formatMiB(maxBytes)} limit (raise it with ${hints.sizeOption} if it is real)`,
    );
  }
  return size;
}

/** An input that is not a readable plan or state: exit 2 at the CLI, one line naming the file. */
export function badInputFile(source: string, message: string): TempgrantError {
  return new TempgrantError("INVALID_INPUT", `${source}: ${message}`);
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}
