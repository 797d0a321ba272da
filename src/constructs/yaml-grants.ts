import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Construct } from "constructs";
import { TempgrantError } from "../errors.js";
import {
  childPath,
  GrantProblemsError,
  parseGrantsFile,
  type GrantsFile,
  type GrantsFileEntry,
  type LocatedProblem,
} from "../grant/index.js";
import { listDeclaredGrant } from "./declared-grant-listing.js";
import { CONTEXT } from "./grant-clock.js";
import { TemporaryGrant } from "./temporary-grant.js";
import type { TargetBinding } from "./targets/target-binding.js";
import { recordGrantProblems } from "./synth-report.js";

/** Props of {@link YamlGrants}. */
export interface YamlGrantsProps {
  /** Grant files to load. Default: every *.yaml / *.yml in `dir`. */
  readonly files?: readonly string[];
  /** Folder of grant files; default `grants`. */
  readonly dir?: string;
  /** The target bindings grants may name in `target`. */
  readonly targets: readonly TargetBinding[];
}

/** The grant files in a folder, sorted, so synthesis is deterministic. */
export function grantFilesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TempgrantError(
      "INVALID_INPUT",
      `${dir}: no such folder of grant files (expected grants/*.yaml)`,
    );
  }
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Reads and parses a grants file; a file that cannot be read is a problem of that file
 * (exit 2 with the others), not an error that hides the rest.
 */
export function readGrantsFile(file: string): GrantsFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file (grant files are YAML, usually under grants/)"
        : code === "EISDIR"
          ? "is a folder, not a grants file"
          : `cannot be read (${code ?? (error as Error).message})`;
    return {
      file,
      entries: [],
      problems: [{ file, line: undefined, path: "", code: "FILE_UNREADABLE", message: reason }],
      locate: (problem) => ({ ...problem, file, line: undefined }),
    };
  }
  return parseGrantsFile(text, file);
}

/**
 * Grants declared in YAML files, loaded into the same model as {@link TemporaryGrant}.
 * Every problem names its file and line; all of them are reported together. In sweep mode
 * (context `tempgrant:invalidGrants` = `skip`) invalid grants synthesize nothing, so the
 * sweep revokes them, and are listed in `problems` for the sweep to report loudly.
 */
export class YamlGrants extends Construct {
  readonly grants: readonly TemporaryGrant[];
  readonly problems: readonly LocatedProblem[];

  constructor(scope: Construct, id: string, props: YamlGrantsProps) {
    super(scope, id);
    const files = props.files ?? grantFilesIn(props.dir ?? "grants");
    const byName = new Map(props.targets.map((target) => [target.name, target]));
    const grants: TemporaryGrant[] = [];
    const problems: LocatedProblem[] = [];
    // Grant ids seen so far, with where: a second declaration names both places.
    const declaredAt = new Map<string, string>();
    for (const file of files) {
      const parsed = readGrantsFile(file);
      problems.push(...parsed.problems);
      for (const entry of parsed.entries) {
        const here = `${file}:${entry.line ?? "?"}`;
        const entryProblems = [...entry.problems, ...this.checkEntry(entry, parsed, byName, declaredAt)];
        problems.push(...entryProblems);
        if (entryProblems.length > 0 || !entry.grant) {
          // Listed as invalid so that a sweep (skip mode) says what it left out, and why.
          const id = (entry.spec as { id?: unknown } | null)?.id;
          const key = typeof id === "string" ? id : `${file}:${entry.path}`;
          listDeclaredGrant(
            this,
            declaredAt.get(key) === here || !declaredAt.has(key) ? key : `${key} (again)`,
            {
              status: "invalid",
              source: here,
              problems: entryProblems,
            },
          );
          continue;
        }
        const { target: _name, ...spec } = entry.spec as Record<string, unknown>;
        grants.push(
          new TemporaryGrant(this, entry.grant.id, {
            ...(spec as Omit<ConstructorParameters<typeof TemporaryGrant>[2], "target">),
            target: byName.get(entry.grant.target)!,
            source: here,
          }),
        );
      }
    }
    this.grants = grants;
    this.problems = problems;
    if (problems.length > 0 && this.node.tryGetContext(CONTEXT.invalidGrants) !== "skip") {
      recordGrantProblems(problems);
      throw new GrantProblemsError(problems);
    }
  }

  /** Problems only the whole project shows: an id declared twice, a target not bound, a binding's limits. */
  private checkEntry(
    entry: GrantsFileEntry,
    parsed: GrantsFile,
    byName: ReadonlyMap<string, TargetBinding>,
    declaredAt: Map<string, string>,
  ): LocatedProblem[] {
    const grant = entry.grant;
    if (!grant) return [];
    const here = `${parsed.file}:${entry.line ?? "?"}`;
    const first = declaredAt.get(grant.id);
    if (first !== undefined) {
      return [
        parsed.locate({
          path: `${entry.path}.id`,
          code: "ID_DUPLICATE",
          message: `grant id "${grant.id}" is also declared at ${first}: ids must be unique`,
        }),
      ];
    }
    declaredAt.set(grant.id, here);
    const target = byName.get(grant.target);
    if (!target) {
      return [
        parsed.locate({
          path: `${entry.path}.target`,
          code: "TARGET_UNKNOWN",
          message: `unknown target "${grant.target}" (known: ${[...byName.keys()].join(", ") || "none"})`,
        }),
      ];
    }
    return target
      .validate(grant)
      .map((problem) => parsed.locate({ ...problem, path: childPath(entry.path, problem.path) }));
  }
}
