import { TempgrantError } from "../errors.js";

/**
 * One thing wrong with an input, at one place in it. Validation collects every problem
 * instead of stopping at the first, so a user fixes a file in one pass.
 */
export interface Problem {
  /** Where, as a dotted path into the input (`grants[2].expiresAt`); "" for the whole input. */
  readonly path: string;
  /** Stable code, for example `TIME_NO_ZONE`. */
  readonly code: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Thrown when an input has problems; its message lists them one per line. */
export class InvalidInputError extends TempgrantError {
  readonly problems: readonly Problem[];

  constructor(source: string, problems: readonly Problem[]) {
    super(
      "INVALID_INPUT",
      problems.map((problem) => `${source}${locate(problem.path)}: ${problem.message}`).join("\n"),
    );
    this.problems = problems;
  }
}

function locate(path: string): string {
  return path ? ` ${path}` : "";
}

/** Joins a parent path and a key into a dotted/indexed path. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}
