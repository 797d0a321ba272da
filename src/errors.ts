/**
 * The one error base class of tempgrant. Every error a user can see carries a stable
 * `code` (used by the CLI to pick an exit code) and a message that says what is wrong
 * and, where we know it, how to fix it.
 */
export class TempgrantError extends Error {
  /** Stable machine-readable code, for example `TOOLCHAIN_BUILD_FAILED`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TempgrantError";
    this.code = code;
  }
}

/**
 * Prefixes an error with the pipeline step it happened in ("plan: ..."), keeping its code,
 * so a failure deep in a run still says where it happened.
 */
export function wrapStep(step: string, error: unknown): TempgrantError {
  if (error instanceof TempgrantError) {
    return new TempgrantError(error.code, `${step}: ${error.message}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TempgrantError("INTERNAL", `${step}: ${message}`, { cause: error });
}
