import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { TempgrantError } from "../../errors.js";
import { inputFileSize } from "../../plan/input-file.js";
import { jsonProblem, parseJsonDocument } from "../../plan/json-document.js";
import { JsonUnitError } from "../../plan/json-units.js";
import { badInput } from "./bad-input.js";
import { isObject } from "./json-object.js";
import { moduleResources } from "./module-values.js";
import { readRawState } from "./raw-state.js";
import type { Snapshot } from "./snapshot.js";

/** Default ceiling on an input file's size: far above real states, far below what hurts memory. */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** What one file turned out to be, found from its content (never from its name). */
export type DiffInput =
  | { readonly kind: "state"; readonly snapshot: Snapshot }
  | { readonly kind: "plan"; readonly prior: Snapshot; readonly planned: Snapshot };

const EXPECTED =
  "expected a state (a .tfstate file, or `tofu show -json`) or a plan (`tofu show -json <planfile>`)";

/** The two sides of an audit diff: two states, or one plan (its prior state against its planned values). */
export function readDiffSides(
  paths: readonly string[],
  maxBytes = DEFAULT_MAX_INPUT_BYTES,
): { before: Snapshot; after: Snapshot } {
  const [first, second] = paths;
  if (first === undefined || paths.length > 2) {
    throw new TempgrantError("USAGE", "give two states (before and after), or one plan");
  }
  const one = readDiffInput(first, maxBytes);
  if (second === undefined) {
    if (one.kind === "plan") return { before: one.prior, after: one.planned };
    throw badInput(first, "is a state: give a second state to compare it with, or a plan on its own");
  }
  const two = readDiffInput(second, maxBytes);
  if (one.kind === "plan") throw planWithAnother(first);
  if (two.kind === "plan") throw planWithAnother(second);
  return { before: one.snapshot, after: two.snapshot };
}

function planWithAnother(path: string): TempgrantError {
  return badInput(
    path,
    "is a plan: diff a plan on its own (`tempgrant audit diff plan.json`), or give two states",
  );
}

/** Reads one file and recognizes it: a raw state, `show -json` of a state, or `show -json` of a plan. */
export function readDiffInput(path: string, maxBytes = DEFAULT_MAX_INPUT_BYTES): DiffInput {
  return recognize(parse(readBytes(path, maxBytes), path), path);
}

/** The file's bytes, once they are known to be text of a size tempgrant reads (never a saved binary plan). */
function readBytes(path: string, maxBytes: number): Buffer {
  inputFileSize(path, maxBytes, {
    missing: "a .tfstate, or `tofu show -json` of a state or plan",
    sizeOption: "--max-size",
  });
  const bytes = readFileSync(path);
  // A saved plan (`plan -out`) is a zip archive.
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw badInput(path, "is a saved binary plan: diff its JSON, `tofu show -json <planfile> > plan.json`");
  }
  if (!isUtf8(bytes) || bytes.includes(0)) throw badInput(path, `is binary data, not JSON: ${EXPECTED}`);
  if (bytes.toString("utf8").trim() === "") throw badInput(path, `is empty: ${EXPECTED}`);
  return bytes;
}

/** The document, read by the plan reader's rules (src/plan/json-document.ts), each problem in one line. */
function parse(bytes: Buffer, path: string): unknown {
  try {
    return parseJsonDocument(bytes);
  } catch (error) {
    if (!(error instanceof JsonUnitError)) throw error;
    throw badInput(
      path,
      error.problem.kind === "binary"
        ? `is binary data, not JSON: ${EXPECTED}`
        : jsonProblem(bytes, error.problem, "state or plan JSON"),
    );
  }
}

function recognize(doc: unknown, path: string): DiffInput {
  if (!isObject(doc)) {
    throw badInput(
      path,
      `is JSON but not a state or plan (top level is ${Array.isArray(doc) ? "a list" : typeof doc})`,
    );
  }
  if ("encrypted_data" in doc) {
    throw badInput(
      path,
      "is an encrypted state: decrypt it with `tofu show -json` (with its encryption configured) and diff that",
    );
  }
  if (typeof doc.version === "number" && ("resources" in doc || "lineage" in doc || "modules" in doc)) {
    return { kind: "state", snapshot: readRawState(doc, path) };
  }
  if (typeof doc.format_version !== "string")
    throw badInput(path, `is JSON but not a state or plan: ${EXPECTED}`);
  if (!/^[01]\.\d+$/.test(doc.format_version)) {
    throw badInput(path, `has format_version ${doc.format_version}; tempgrant reads format 0.x and 1.x`);
  }
  if ("planned_values" in doc) {
    if (!isObject(doc.planned_values)) throw badInput(path, "has planned_values that is not an object");
    const prior = doc.prior_state ?? {};
    if (!isObject(prior)) throw badInput(path, "has a prior_state that is not an object");
    const priorValues = prior.values ?? {};
    if (!isObject(priorValues)) throw badInput(path, "has prior_state.values that is not an object");
    return {
      kind: "plan",
      prior: {
        source: path,
        kind: "plan-prior",
        resources: moduleResources(priorValues.root_module, path, "prior_state.values.root_module"),
      },
      planned: {
        source: path,
        kind: "plan-planned",
        resources: moduleResources(doc.planned_values.root_module, path, "planned_values.root_module"),
      },
    };
  }
  // An empty state prints only its format_version (and sometimes the engine's version).
  const empty = Object.keys(doc).every((key) => key === "format_version" || key === "terraform_version");
  if (!("values" in doc) && !empty)
    throw badInput(path, `has a format_version but is neither a state nor a plan: ${EXPECTED}`);
  const values = doc.values ?? {};
  if (!isObject(values)) throw badInput(path, "has values that is not an object");
  return {
    kind: "state",
    snapshot: {
      source: path,
      kind: "state",
      resources: moduleResources(values.root_module, path, "values.root_module"),
    },
  };
}
