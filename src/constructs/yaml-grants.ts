import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Construct } from "constructs";
import { TempgrantError } from "../errors.js";
import { childPath, formatLocatedProblem, parseGrantsFile, type LocatedProblem } from "../grant/index.js";
import { listDeclaredGrant } from "./declared-grant-listing.js";
import { CONTEXT } from "./grant-clock.js";
import { TemporaryGrant } from "./temporary-grant.js";
import type { TargetBinding } from "./targets/target-binding.js";

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
    for (const file of files) {
      const parsed = parseGrantsFile(readFileSync(file, "utf8"), file);
      problems.push(...parsed.problems);
      for (const entry of parsed.entries) {
        problems.push(...entry.problems);
        if (!entry.grant) {
          const id = (entry.spec as { id?: unknown } | null)?.id;
          listDeclaredGrant(this, typeof id === "string" ? id : `${file}:${entry.path}`, {
            status: "invalid",
            source: `${file}:${entry.line ?? "?"}`,
            problems: entry.problems,
          });
          continue;
        }
        const target = byName.get(entry.grant.target);
        if (!target) {
          problems.push({
            file,
            line: entry.line,
            path: `${entry.path}.target`,
            code: "TARGET_UNKNOWN",
            message: `unknown target "${entry.grant.target}" (known: ${[...byName.keys()].join(", ") || "none"})`,
          });
          continue;
        }
        const bindingProblems = target.validate(entry.grant);
        if (bindingProblems.length > 0) {
          problems.push(
            ...bindingProblems.map((problem) =>
              parsed.locate({ ...problem, path: childPath(entry.path, problem.path) }),
            ),
          );
          continue;
        }
        const { target: _name, ...spec } = entry.spec as Record<string, unknown>;
        grants.push(
          new TemporaryGrant(this, entry.grant.id, {
            ...(spec as Omit<ConstructorParameters<typeof TemporaryGrant>[2], "target">),
            target,
            source: `${file}:${entry.line ?? "?"}`,
          }),
        );
      }
    }
    this.grants = grants;
    this.problems = problems;
    if (problems.length > 0 && this.node.tryGetContext(CONTEXT.invalidGrants) !== "skip") {
      throw new TempgrantError("INVALID_INPUT", problems.map(formatLocatedProblem).join("\n"));
    }
  }
}
