import { isUtf8 } from "node:buffer";
import { readFileSync, statSync } from "node:fs";
import { quoteValue, TempgrantError } from "../errors.js";
import type { PlanJson, ResourceChangeJson } from "./plan-json.js";
import { grantRecordTypeProblem } from "./record-shape.js";
import { strictJsonProblem } from "./strict-json.js";

/** Default ceiling on a plan file's size: far above real plans, far below what hurts memory. */
export const DEFAULT_MAX_PLAN_BYTES = 64 * 1024 * 1024;

/** A plan file as found on disk: JSON text, or a binary plan that the engine must render. */
export type PlanFileContents = { readonly kind: "json"; readonly text: string } | { readonly kind: "binary" };

/** An input that is not a readable plan: exit 2 at the CLI, never a pass. */
export function badPlan(source: string, message: string): TempgrantError {
  return new TempgrantError("INVALID_INPUT", `${source}: ${message}`);
}

/**
 * Reads a plan file. A binary plan (a zip, as `plan -out` writes) is reported as such so
 * the caller can render it with `show -json`; anything else must be UTF-8 JSON text.
 */
export function readPlanFile(path: string, maxBytes = DEFAULT_MAX_PLAN_BYTES): PlanFileContents {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw badPlan(path, "is not a file");
    size = stat.size;
  } catch (error) {
    if (error instanceof TempgrantError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw badPlan(
      path,
      code === "ENOENT"
        ? "no such file (write one with `tofu show -json plan.tfplan > plan.json`)"
        : (error as Error).message,
    );
  }
  if (size === 0) throw badPlan(path, "is empty: expected the JSON of `tofu show -json <planfile>`");
  if (size > maxBytes) {
    throw badPlan(
      path,
      `is ${formatMiB(size)}, over the ${formatMiB(maxBytes)} limit (raise it with --max-plan-size if this plan is real)`,
    );
  }
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return { kind: "binary" };
  if (bytes.includes(0) || !isUtf8(bytes)) {
    throw badPlan(
      path,
      "is binary data, not plan JSON: render a saved plan with `tofu show -json <planfile>`",
    );
  }
  return { kind: "json", text: bytes.toString("utf8") };
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

/**
 * Parses plan JSON text, naming the line and column of a syntax error, of a repeated key, of
 * a number out of range and of nesting past MAX_JSON_DEPTH (strict-json.ts). A
 * UTF-8 byte-order mark before the JSON is skipped (PowerShell's redirection writes one).
 */
export function parsePlanText(text: string, source: string): PlanJson {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw badPlan(source, `is not valid JSON (${describeJsonError(json, error as Error)})`);
  }
  const problem = strictJsonProblem(json);
  if (problem) {
    throw badPlan(
      source,
      `is not plan JSON: ${problem.message} at line ${problem.line}, column ${problem.column}`,
    );
  }
  return checkPlanShape(value, source);
}

function describeJsonError(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) {
    return /Unexpected end/.test(error.message) ? "it ends early: truncated?" : error.message;
  }
  const offset = Number(position);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  const hint = offset >= text.trimEnd().length ? ": truncated?" : "";
  const what = error.message.replace(/ (in JSON )?at position \d+.*$/, "");
  return `${what} at line ${line}, column ${column}${hint}`;
}

/** Checks that a parsed document is a plan of a supported format, and says what it is otherwise. */
export function checkPlanShape(value: unknown, source: string): PlanJson {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badPlan(
      source,
      `is JSON but not a plan (top level is ${Array.isArray(value) ? "a list" : typeof value})`,
    );
  }
  const doc = value as Record<string, unknown>;
  if ("lineage" in doc && "serial" in doc && "resources" in doc) {
    throw badPlan(
      source,
      "is a state file (.tfstate), not a plan: check the output of `tofu show -json <planfile>`",
    );
  }
  if (typeof doc.format_version !== "string") {
    throw badPlan(
      source,
      "is JSON but not a plan: it has no format_version (expected `tofu show -json <planfile>`)",
    );
  }
  const major = Number(doc.format_version.split(".")[0]);
  if (!/^\d+\.\d+$/.test(doc.format_version) || major > 1) {
    throw badPlan(
      source,
      `has format_version ${quoteValue(doc.format_version, { quotes: false })}; tempgrant reads plan JSON format 0.x and 1.x`,
    );
  }
  if (!("planned_values" in doc)) {
    const what =
      "values" in doc ? "the JSON of a state (`tofu show -json` without a plan file)" : "not a plan";
    throw badPlan(source, `is ${what}: it has no planned_values`);
  }
  if ("resource_changes" in doc && !Array.isArray(doc.resource_changes)) {
    throw badPlan(source, "has resource_changes that is not a list");
  }
  for (const [index, change] of ((doc.resource_changes as unknown[] | undefined) ?? []).entries()) {
    const problem = resourceChangeProblem(change);
    if (problem) throw badPlan(source, `resource_changes[${index}] ${problem}`);
  }
  return doc as unknown as PlanJson;
}

function resourceChangeProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "is not an object";
  const change = value as Partial<ResourceChangeJson>;
  if (typeof change.address !== "string") return "has no address";
  // The address as written, cut short: a message quotes at most a prefix of what it was given.
  // Quoted only for a message: a plan's every change passes through here.
  const address = () => quoteValue(change.address, { quotes: false });
  if (typeof change.type !== "string") return `(${address()}) has no type`;
  const actions = change.change?.actions;
  if (!Array.isArray(actions) || actions.some((action) => typeof action !== "string")) {
    return `(${address()}) has no list of actions`;
  }
  const recordProblem = grantRecordTypeProblem(change as ResourceChangeJson);
  return recordProblem && `(${address()}) ${recordProblem}`;
}
