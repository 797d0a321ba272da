import { isUtf8 } from "node:buffer";
import { isDeepStrictEqual } from "node:util";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { quoteValue, TempgrantError } from "../errors.js";
import type { PlanJson, ResourceChangeJson } from "./plan-json.js";
import { badInputFile, inputFileSize } from "./input-file.js";
import { grantRecordTypeProblem } from "./record-shape.js";
import { parseTimestamp } from "../grant/time.js";
import { JsonUnitError, JsonUnits, type JsonUnitProblem } from "./json-units.js";
import { startUnitChecker } from "./unit-check-helper.js";
import type { UnitChecker } from "./unit-checks.js";
import { computedWhenUnset, isReferringType } from "../targets/registry.js";
import { runsCode } from "./code-runners.js";
import type { ConfigResource } from "./configuration.js";
import { OPEN_ARRAY, OPEN_OBJECT } from "../grant/strict-json.js";

/**
 * Default ceiling on a plan file's size: a guard against abuse, far above most real plans.
 * The reader holds one chunk and one resource change at a time, not the file, so
 * `--max-plan-size` may raise it past what fits in one JavaScript string.
 */
export const DEFAULT_MAX_PLAN_BYTES = 64 * 1024 * 1024;

/** A syntax error in a file up to this size is described as JSON.parse sees the whole text. */
const WHOLE_TEXT_DIAGNOSIS_BYTES = 256 * 1024 * 1024;

/** A plan file as found on disk: the plan read from its JSON, or a binary plan that the engine must render. */
export type PlanFileContents =
  { readonly kind: "json"; readonly plan: PlanJson; readonly bytes: number } | { readonly kind: "binary" };

/** An input that is not a readable plan: exit 2 at the CLI, never a pass. */
export function badPlan(source: string, message: string): TempgrantError {
  return badInputFile(source, message);
}

/** Options of {@link readPlanFile}. */
export interface ReadPlanOptions {
  /** Larger files are refused (`--max-plan-size`); default {@link DEFAULT_MAX_PLAN_BYTES}. */
  readonly maxBytes?: number;
  /** Called before reading a file of more than `largeBytes`. */
  readonly onLarge?: { readonly largeBytes: number; readonly call: () => void };
  /** Bytes read at a time (tests make it tiny, to cut every token somewhere). */
  readonly chunkBytes?: number;
  /** A syntax error in a file up to this size is described as JSON.parse sees the whole text (default 256 MiB). */
  readonly wholeTextDiagnosisBytes?: number;
}

/**
 * Reads a plan file in chunks (see json-units.ts). A binary plan (a zip, as `plan -out`
 * writes) is reported as such so the caller can render it with `show -json`; anything else
 * must be UTF-8 JSON text.
 */
export function readPlanFile(path: string, options: ReadPlanOptions = {}): PlanFileContents {
  const size = planFileSize(path, options);
  if (size === undefined) return { kind: "binary" };
  const plan = readUnits(
    path,
    () => JsonUnits.ofFile(path, options.chunkBytes),
    () => wholeFile(path, size, options),
  );
  return { kind: "json", plan: checkPlanShape(plan, path), bytes: size };
}

/**
 * As {@link readPlanFile}, with a helper thread making the walk's checks while it goes on when
 * the file has `helperFromBytes` or more (see json-units.ts, "checked elsewhere"): the same
 * plan, the same messages, in less time on a machine with a core to spare.
 */
export async function readPlanFileWithHelper(
  path: string,
  options: ReadPlanOptions & {
    readonly helperFromBytes: number;
    /** What checks the batches: a helper thread unless given (tests check them in line). */
    readonly checker?: () => UnitChecker;
  },
): Promise<PlanFileContents> {
  const size = planFileSize(path, options);
  if (size === undefined) return { kind: "binary" };
  const open = (checker?: UnitChecker) => JsonUnits.ofFile(path, options.chunkBytes, checker);
  const whole = () => wholeFile(path, size, options);
  const plan =
    size >= options.helperFromBytes
      ? await readUnitsWithHelper(path, open, whole, options.checker ?? startUnitChecker)
      : readUnits(path, open, whole);
  return { kind: "json", plan: checkPlanShape(plan, path), bytes: size };
}

/** The size of a plan file that can be read (refusing a missing, empty or too large one); undefined for a binary plan. */
function planFileSize(path: string, options: ReadPlanOptions): number | undefined {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PLAN_BYTES;
  const { onLarge } = options;
  const size = inputFileSize(path, maxBytes, {
    missing: "write one with `tofu show -json plan.tfplan > plan.json`",
    sizeOption: "--max-plan-size",
  });
  if (size === 0) throw badPlan(path, "is empty: expected the JSON of `tofu show -json <planfile>`");
  if (isZip(path)) return undefined;
  if (onLarge && size > onLarge.largeBytes) onLarge.call();
  return size;
}

/** The whole file, to describe a syntax error as JSON.parse sees it, when it is small enough. */
function wholeFile(path: string, size: number, options: ReadPlanOptions): Buffer | undefined {
  return size <= (options.wholeTextDiagnosisBytes ?? WHOLE_TEXT_DIAGNOSIS_BYTES)
    ? readFileSync(path)
    : undefined;
}

function isZip(path: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
}

/**
 * Parses plan JSON text with the same reader as a file, naming the line and column of a
 * syntax error, of a repeated key, of a number out of range and of nesting past
 * MAX_JSON_DEPTH (strict-json.ts). A UTF-8 byte-order mark before the JSON is skipped
 * (PowerShell's redirection writes one).
 */
export function parsePlanText(text: string, source: string): PlanJson {
  const bytes = Buffer.from(text, "utf8");
  return checkPlanShape(
    readUnits(
      source,
      () => JsonUnits.ofBytes(bytes),
      () => bytes,
    ),
    source,
  );
}

/** Walks a plan's JSON, turning what the walk finds wrong into one message naming the source. */
function readUnits(source: string, open: () => JsonUnits, wholeText: () => Buffer | undefined): unknown {
  let units: JsonUnits | undefined;
  try {
    units = open();
    return walkPlan(units);
  } catch (error) {
    if (!(error instanceof JsonUnitError)) throw error;
    const { problem } = error;
    // As for a text in memory: binary data anywhere first, then JSON.parse's complaint about the whole.
    const whole = wholeText();
    if (problem.kind === "binary" || (whole && (whole.includes(0) || !isUtf8(whole)))) {
      throw badPlan(
        source,
        "is binary data, not plan JSON: render a saved plan with `tofu show -json <planfile>`",
      );
    }
    const syntax = wholeTextSyntaxError(whole);
    if (syntax !== undefined) throw badPlan(source, `is not valid JSON (${syntax})`);
    if (problem.kind === "unchecked") throw badPlan(source, `is not plan JSON: ${problem.message}`);
    if (problem.kind === "strict") {
      throw badPlan(
        source,
        `is not plan JSON: ${problem.message} at line ${problem.place.line}, column ${problem.place.column}`,
      );
    }
    throw badPlan(source, `is not valid JSON (${describeSyntax(problem)})`);
  } finally {
    units?.close();
  }
}

/**
 * Walks with a helper thread checking what the walk skims. Anything that goes wrong (a value
 * refused, a syntax error, the helper stopping) is left to the walk in place, read again from
 * the start: it decides, and says what and where as it always does.
 */
async function readUnitsWithHelper(
  source: string,
  open: (checker?: UnitChecker) => JsonUnits,
  wholeText: () => Buffer | undefined,
  startChecker: () => UnitChecker,
): Promise<unknown> {
  const checker = startChecker();
  let units: JsonUnits | undefined;
  try {
    units = open(checker);
    const value = walkPlan(units);
    if ((await checker.drained()) === undefined) return value;
  } catch {
    // Read again in place, below.
  } finally {
    units?.close();
    void checker.close();
  }
  return readUnits(source, () => open(), wholeText);
}

/** How JSON.parse describes the whole text's syntax error, when the text fits in memory and has one. */
function wholeTextSyntaxError(bytes: Buffer | undefined): string | undefined {
  if (!bytes) return undefined;
  const text = bytes.toString("utf8");
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    JSON.parse(json);
    return undefined;
  } catch (error) {
    return describeJsonError(json, error as Error);
  }
}

/** A syntax error as the walk found it, in a file too large to hand JSON.parse whole. */
function describeSyntax(problem: Extract<JsonUnitProblem, { kind: "syntax" }>): string {
  if (problem.end || !problem.place) return problem.end ? "it ends early: truncated?" : problem.what;
  return `${problem.what} at line ${problem.place.line}, column ${problem.place.column}`;
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

/**
 * Reads what tempgrant needs of a plan, walking its JSON: the top level's scalars, every
 * resource change and drift entry (without what no reader looks at), and of the
 * configuration only the expressions of types whose references a target reads (plan-relations.ts) and the
 * blocks that run code (code-runners.ts). Everything else
 * (planned_values, prior_state, the configuration's other resources, ...) is read and
 * checked like the rest, then dropped: a plan's bulk is never held.
 */
function walkPlan(units: JsonUnits): unknown {
  const doc: Record<string, unknown> = {};
  const isObject = units.members((key) => {
    if (key === "resource_changes" || key === "resource_drift") {
      const changes: unknown[] = [];
      if (units.elements(() => changes.push(slimChange(units.take())))) setOwn(doc, key, changes);
      else setOwn(doc, key, units.take());
    } else if (key === "configuration") {
      const configuration: Record<string, unknown> = {};
      const walked = units.members((member) => {
        if (member === "root_module") configuration.root_module = walkModule(units, true);
        else units.skip();
      });
      setOwn(doc, key, walked ? configuration : units.take());
    } else if (key === "planned_values" || key === "prior_state") {
      // Only there or not: nothing reads their content.
      setOwn(doc, key, {});
      if (
        !units.members((member) =>
          member === "root_module" || member === "values" ? walkModule(units, false) : units.skip(),
        )
      )
        units.skip();
    } else if (units.peek() === OPEN_OBJECT || units.peek() === OPEN_ARRAY) {
      // Read, checked and dropped a piece at a time (a state's resources, checks, ...).
      const list = units.peek() === OPEN_ARRAY;
      if (list) units.elements(() => units.skip());
      else units.members(() => units.skip());
      setOwn(doc, key, list ? [] : {});
    } else setOwn(doc, key, units.take());
  });
  const value = isObject ? doc : units.take();
  units.finish();
  return value;
}

/**
 * Walks a module of planned values, prior state or configuration: each resource is read
 * whole; child modules and module calls are walked in turn. Returns, for a configuration,
 * the module with only the resources a reader looks at (types whose references a target reads,
 * blocks that run code).
 */
function walkModule(units: JsonUnits, keep: boolean): ConfigModule | undefined {
  const resources: unknown[] = [];
  const calls: Record<string, { module?: ConfigModule }> = {};
  const walked = units.members((key) => {
    if (key === "resources") {
      const list = units.elements(() => {
        if (!keep) return units.skip();
        const resource = units.take() as ConfigResource | null;
        if (
          typeof resource === "object" &&
          resource !== null &&
          typeof resource.type === "string" &&
          (isReferringType(resource.type) ||
            computedWhenUnset(resource.type).length > 0 ||
            runsCode(resource))
        ) {
          const { address, mode, type, expressions, provisioners } = resource;
          resources.push({ address, mode, type, expressions, provisioners });
        }
      });
      if (!list) units.skip();
    } else if (key === "root_module") {
      walkModule(units, false);
    } else if (key === "child_modules") {
      if (!units.elements(() => walkModule(units, false))) units.skip();
    } else if (key === "module_calls") {
      const walkedCalls = units.members((name) => {
        const call: { module?: ConfigModule } = {};
        if (
          !units.members((member) =>
            member === "module" ? (call.module = walkModule(units, keep)) : units.skip(),
          )
        )
          units.skip();
        setOwn(calls, name, call);
      });
      if (!walkedCalls) units.skip();
    } else units.skip();
  });
  if (!walked) units.skip();
  return keep ? { resources, module_calls: calls } : undefined;
}

/**
 * Sets an own property, as JSON.parse does: a key from the plan is data, and plain assignment
 * of `__proto__` (a valid module name) would set the object's prototype instead, hiding it.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

interface ConfigModule {
  readonly resources: readonly unknown[];
  readonly module_calls: Record<string, { module?: ConfigModule }>;
}

/** A resource change with only what the readers look at (not its sensitivity markers, provider, ...). */
function slimChange(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const change = value as Record<string, unknown>;
  const inner = change.change;
  const slim: Record<string, unknown> = {};
  for (const key of KEPT_CHANGE_FIELDS) if (key in change) slim[key] = change[key];
  if (typeof inner === "object" && inner !== null && !Array.isArray(inner)) {
    const sides: Record<string, unknown> = {};
    for (const key of KEPT_CHANGE_SIDES)
      if (key in inner) sides[key] = (inner as Record<string, unknown>)[key];
    slim.change = sides;
  }
  return slim;
}

const KEPT_CHANGE_FIELDS = [
  "address",
  "module_address",
  "mode",
  "type",
  "name",
  "index",
  "previous_address",
  "change",
];
// `importing`: a resource imported is not one the plan writes (plan-relations.ts, writtenOnly).
const KEPT_CHANGE_SIDES = ["actions", "before", "after", "after_unknown", "importing"];

/** Checks that a parsed document is a plan of a supported format, and says what it is otherwise. */
export function checkPlanShape(value: unknown, source: string): PlanJson {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const what = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
    throw badPlan(source, `is JSON but not a plan (top level is ${what})`);
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
  // The plan's clock, when it has one, is the instant every expiry is judged at.
  if ("timestamp" in doc && (typeof doc.timestamp !== "string" || !parseTimestamp(doc.timestamp).ok)) {
    throw badPlan(source, `has a timestamp that is not an RFC 3339 time (${quoteValue(doc.timestamp)})`);
  }
  // Drift entries are read like changes (the drift rule reads privileged ones' attributes).
  for (const key of ["resource_changes", "resource_drift"] as const) {
    if (!(key in doc)) continue;
    const list = doc[key];
    if (!Array.isArray(list)) throw badPlan(source, `has ${key} that is not a list`);
    for (const [index, change] of list.entries()) {
      const problem = resourceChangeProblem(change);
      if (problem) throw badPlan(source, `${key}[${index}] ${problem}`);
    }
  }
  return doc as unknown as PlanJson;
}

/**
 * The action lists tofu and Terraform write. Anything else is refused: a reader that took an
 * unknown list for a no-op would let whatever it does pass unjudged. `forget` with `create`
 * (`lifecycle { destroy = false }` on a replacement) is written in either order.
 */
const KNOWN_ACTIONS = new Set(
  [
    ["no-op"],
    ["create"],
    ["read"],
    ["update"],
    ["delete"],
    ["forget"],
    ["delete", "create"],
    ["create", "delete"],
    ["forget", "create"],
    ["create", "forget"],
  ].map((actions) => actions.join(",")),
);

/** What a data source may do in a plan: be read, or stay as it was. */
const DATA_ACTIONS = new Set(["read", "no-op"]);

function resourceChangeProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "is not an object";
  const change = value as Partial<ResourceChangeJson>;
  if (typeof change.address !== "string") return "has no address";
  // The address as written, cut short: a message quotes at most a prefix of what it was given.
  // Quoted only for a message: a plan's every change passes through here.
  const address = () => quoteValue(change.address, { quotes: false });
  if (typeof change.type !== "string") return `(${address()}) has no type`;
  if (typeof change.change !== "object" || change.change === null || Array.isArray(change.change))
    return `(${address()}) has no change`;
  const actions = change.change.actions;
  if (!Array.isArray(actions) || actions.some((action) => typeof action !== "string")) {
    return `(${address()}) has no list of actions`;
  }
  if (!KNOWN_ACTIONS.has(actions.join(",")))
    return `(${address()}) has actions ${quoteValue(actions)}, which neither tofu nor Terraform writes`;
  // A data source only reads; a managed resource is anything else tempgrant judges.
  const mode = change.mode ?? "managed";
  if (mode !== "managed" && mode !== "data")
    return `(${address()}) has mode ${quoteValue(mode)}: expected "managed" or "data"`;
  if (mode === "managed" && actions.length === 1 && actions[0] === "read")
    return `(${address()}) is a managed resource with actions ["read"]: only a data source is read`;
  // What tofu plans to leave as it is has the same before and after; anything else changes
  // unjudged. A creation has something to create.
  if (
    actions.length === 1 &&
    actions[0] === "no-op" &&
    !isDeepStrictEqual(change.change.before, change.change.after)
  )
    return `(${address()}) is a no-op whose before and after differ`;
  if (
    actions.length === 1 &&
    actions[0] === "create" &&
    (change.change.after === null || change.change.after === undefined)
  )
    return `(${address()}) is created with no after`;
  if (mode === "data" && !DATA_ACTIONS.has(actions.join(",")))
    return `(${address()}) is a data source with actions ${quoteValue(actions)}: a data source is only read`;
  const recordProblem = grantRecordTypeProblem(change as ResourceChangeJson);
  return recordProblem && `(${address()}) ${recordProblem}`;
}
