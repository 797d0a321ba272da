import { TempgrantError } from "../errors.js";
import { strictJsonProblem } from "../grant/strict-json.js";

/**
 * Reads JSON the engine printed (`show -json`, `state pull`) by the rules the plan reader
 * applies (strict-json.ts): JSON.parse's syntax, then no key repeated in an object, no number
 * out of a double's range, no nesting past MAX_JSON_DEPTH, no lone surrogate; a UTF-8
 * byte-order mark skipped. State and plan are read by one set of rules, so what a check reads
 * from a plan and what the sweep reads from the state cannot differ in how they are read.
 * Anything else fails closed: a TempgrantError whose one-line message names the command and
 * what is wrong, never a pass and never a stack trace.
 */
export function parseEngineJson(stdout: string, command: string): unknown {
  const text = stdout.charCodeAt(0) === 0xfeff ? stdout.slice(1) : stdout;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw refused(command, `printed something that is not JSON (${oneLine((error as Error).message)})`);
  }
  const problem = strictJsonProblem(text);
  if (problem)
    throw refused(
      command,
      `printed JSON that tempgrant refuses: ${problem.message} at line ${problem.line}, column ${problem.column}`,
    );
  return value;
}

function refused(command: string, what: string): TempgrantError {
  return new TempgrantError("ENGINE_OUTPUT", `\`${command}\` ${what}`);
}

/** JSON.parse quotes the text around an error, which may hold line breaks: one line, and short. */
function oneLine(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
