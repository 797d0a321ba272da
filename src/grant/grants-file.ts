import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";
import { TempgrantError } from "../errors.js";
import { childPath, type Problem } from "./problem.js";
import { validateGrant, validateGrantsFileShape } from "./validate.js";
import { yamlValue } from "./yaml-value.js";
import type { Grant } from "./model.js";

/** A problem located in a file: the line is 1-based, when it can be told. */
export interface LocatedProblem extends Problem {
  readonly file: string;
  readonly line: number | undefined;
}

/** One grant of a grants file, valid or not. */
export interface GrantsFileEntry {
  /** Path inside the file, for example `grants[2]`. */
  readonly path: string;
  /** Line of the grant's first field. */
  readonly line: number | undefined;
  /** The raw mapping as written. */
  readonly spec: unknown;
  /** The validated grant; undefined when `problems` is not empty. */
  readonly grant: Grant | undefined;
  readonly problems: readonly LocatedProblem[];
}

/** A parsed grants file: its grants, and problems with the file as a whole. */
export interface GrantsFile {
  readonly file: string;
  readonly entries: readonly GrantsFileEntry[];
  readonly problems: readonly LocatedProblem[];
  /** Places a problem found later (by a target binding) at its line in this file. */
  locate(problem: Problem): LocatedProblem;
}

/** Renders a located problem as one line: `file:line path: message`. */
export function formatLocatedProblem(problem: LocatedProblem): string {
  return `${problem.file}${problem.line ? `:${problem.line}` : ""}${problem.path ? ` ${problem.path}` : ""}: ${problem.message}`;
}

/**
 * Thrown when grants have problems: one line per problem (file:line path: message), all of
 * them at once, exit 2. The same error whether `grants` read the files or the cdktf app did.
 */
export class GrantProblemsError extends TempgrantError {
  readonly problems: readonly LocatedProblem[];

  constructor(problems: readonly LocatedProblem[]) {
    super("INVALID_INPUT", problems.map(formatLocatedProblem).join("\n"));
    this.problems = problems;
  }
}

/**
 * Parses and validates a grants file (YAML). Every problem carries the file and line, and
 * one bad grant does not hide the others. YAML 1.2 core schema: timestamps stay strings,
 * duplicate keys and more than one document are errors.
 */
export function parseGrantsFile(text: string, file: string): GrantsFile {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const unlocated = (problem: Problem): LocatedProblem => ({ ...problem, file, line: undefined });
  const fileProblem = (code: string, message: string, line?: number): GrantsFile => ({
    file,
    entries: [],
    problems: [{ file, line, path: "", code, message }],
    locate: unlocated,
  });
  if (!Array.isArray(documents))
    return fileProblem("YAML_EMPTY", "the file is empty: expected a `grants:` list");
  if (documents.length === 0 || documents[0]?.contents === null) {
    return fileProblem("YAML_EMPTY", "the file is empty: expected a `grants:` list");
  }
  if (documents.length > 1) {
    const second = documents[1]?.range[0] ?? 0;
    return fileProblem(
      "YAML_DOCUMENTS",
      "more than one YAML document: put every grant under one `grants:` list",
      lineCounter.linePos(second).line,
    );
  }
  const document = documents[0] as Document.Parsed;
  if (document.errors.length > 0) {
    return {
      file,
      entries: [],
      locate: unlocated,
      problems: document.errors.map((error) => ({
        file,
        line: lineCounter.linePos(error.pos[0]).line,
        path: "",
        code: "YAML_SYNTAX",
        message: `not valid YAML: ${error.message.split("\n")[0]}`,
      })),
    };
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
      const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
    return undefined;
  };
  const locate = (problem: Problem): LocatedProblem => ({
    ...problem,
    file,
    line: lineOf(pathSegments(problem.path)),
  });

  const converted = yamlValue(document);
  if (!converted.ok) return fileProblem(converted.code, converted.message, 1);
  const raw: unknown = converted.value;
  const shapeProblems = validateGrantsFileShape(raw).map(locate);
  const grantsNode = document.get("grants", true);
  if (!isSeq(grantsNode)) return { file, entries: [], problems: shapeProblems, locate };

  const specs = (raw as { grants: unknown[] }).grants;
  const entries = specs.map((spec, index): GrantsFileEntry => {
    const path = childPath("grants", index);
    const item = grantsNode.items[index];
    const { grant, problems } = validateGrant(spec, path);
    const firstOffset = isMap(item) ? item.range?.[0] : undefined;
    return {
      path,
      line: firstOffset === undefined ? lineOf(["grants", index]) : lineCounter.linePos(firstOffset).line,
      spec,
      grant,
      problems: problems.map(locate),
    };
  });
  return { file, entries, problems: shapeProblems, locate };
}

/** `grants[2].approvedBy[0]` -> ["grants", 2, "approvedBy", 0]. */
function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    segments.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? ""));
  }
  return segments;
}
