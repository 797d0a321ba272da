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

/** How much of a user's value an error message quotes: enough to find it, never a whole file. */
export const QUOTE_LIMIT = 40;

/**
 * A user's value as an error message quotes it: at most {@link QUOTE_LIMIT} characters (whole
 * code points) and "…" when it was longer, in JSON quotes so that a newline or a control
 * character cannot break the one-line message; any other value as its JSON. `quotes: false`
 * for text shown as written (a number's literal). The one helper for every message that
 * repeats what the user gave.
 */
export function quoteValue(value: unknown, options: { readonly quotes?: boolean } = {}): string {
  const isText = typeof value === "string";
  const text = isText ? value : (JSON.stringify(value) ?? String(value));
  const head = Array.from(text.slice(0, QUOTE_LIMIT * 2))
    .slice(0, QUOTE_LIMIT)
    .join("");
  const short = head.length < text.length ? `${head}…` : text;
  return isText && options.quotes !== false ? JSON.stringify(short) : short.replace(/[\r\n]+/g, " ");
}
