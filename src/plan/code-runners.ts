import {
  configKey,
  configKeyOfChange,
  configModuleOfChange,
  forEachConfiguredResource,
  type ConfigResource,
} from "./configuration.js";
import type { PlanJson, ResourceChangeJson } from "./plan-json.js";

/**
 * Data sources that run a program the configuration names each time they are read: during
 * `plan`, with the pipeline's credentials, before any check sees the plan.
 */
const PROGRAM_DATA_SOURCES: ReadonlyMap<string, string> = new Map([
  ["external", "the program it names"],
  ["shell_script", "the shell script it holds"],
]);

/** A configured block that runs code with the pipeline's rights, and what it runs. */
export interface CodeRunner {
  /** The block's address with its module path (`module.a.data.external.x`). */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** What the block runs, and when, for the message. */
  readonly runs: string;
  /** A data source, read during every plan (there is no change for it to be part of). */
  readonly everyPlan: boolean;
  /** A removed block's provisioners: they run only when the plan destroys what it names. */
  readonly onDestroy?: boolean;
}

/**
 * A `removed` block of the configuration with destroy-time provisioners: the plan JSON holds
 * neither, so they come from the synthesized configuration itself (check/removed-blocks.ts).
 */
export interface RemovedBlock {
  /**
   * The block's `from`: a resource (`module.a.type.name`), a whole module (`module.a`), or
   * {@link ANYWHERE} when it cannot be placed (a module's own file, a form not read).
   */
  readonly from: string;
  readonly provisioners: readonly string[];
}

/** The `from` of a removed block that could name any resource: every destroy may run it. */
export const ANYWHERE = "*";

/** Whether a configured block runs code: the read-plan walk keeps these (and drops the rest). */
export function runsCode(resource: ConfigResource): boolean {
  return provisionerTypes(resource).length > 0 || programOf(resource) !== undefined;
}

/**
 * The blocks of the plan's configuration that run code: provisioners (any kind: a `local-exec`
 * runs on the pipeline's machine, a `remote-exec` or `file` acts on a host with credentials
 * the stack holds) and data sources that run a program. Keyed like {@link configKeyOfChange}.
 */
export function codeRunners(
  plan: PlanJson,
  removed: readonly RemovedBlock[] = [],
): ReadonlyMap<string, CodeRunner> {
  const runners = new Map<string, CodeRunner>();
  for (const block of removed) {
    if (block.provisioners.length === 0) continue;
    const runs = `runs the ${provisionerWords(block.provisioners)} of a removed block, which the plan does not show, when destroyed`;
    // `from` names a resource (its last two parts), a module (every resource under it), or
    // cannot be placed (every destroy).
    const parts = block.from.split(".");
    const isModule = parts.length % 2 === 0 && parts.at(-2) === "module";
    const key =
      block.from === ANYWHERE
        ? configKey(ANYWHERE, ANYWHERE)
        : isModule
          ? configKey(block.from, ANYWHERE)
          : configKey(parts.slice(0, -2).join("."), parts.slice(-2).join("."));
    runners.set(key, {
      address: block.from,
      type: isModule ? "module" : (parts.at(-2) ?? ""),
      name: parts.at(-1) ?? "",
      runs,
      everyPlan: false,
      onDestroy: true,
    });
  }
  forEachConfiguredResource(plan, (resource, path) => {
    if (typeof resource.address !== "string" || typeof resource.type !== "string") return;
    const address = path === "" ? resource.address : `${path}.${resource.address}`;
    const name = resource.address.split(".").pop() ?? "";
    const program = programOf(resource);
    const provisioners = provisionerTypes(resource);
    if (program !== undefined)
      runners.set(configKey(path, resource.address), {
        address,
        type: resource.type,
        name,
        runs: `runs ${program} during every plan`,
        everyPlan: true,
      });
    else if (provisioners.length > 0)
      runners.set(configKey(path, resource.address), {
        address,
        type: resource.type,
        name,
        runs: `runs its ${provisionerWords(provisioners)} when created or destroyed`,
        everyPlan: false,
      });
  });
  return runners;
}

/**
 * What a resource change runs: its block's provisioners when the change creates or destroys
 * it (a creation-time or a destroy-time provisioner; the plan does not say which it has).
 * Read from the actions themselves, not their summary: a replacement under
 * `lifecycle { destroy = false }` (`["forget","create"]`) summarizes as a forget, yet creates.
 */
export function codeRunBy(
  runners: ReadonlyMap<string, CodeRunner>,
  change: ResourceChangeJson,
): string | undefined {
  if (runners.size === 0) return;
  const { actions } = change.change;
  const destroys = actions.includes("delete");
  if (!(destroys || actions.includes("create"))) return;
  const runner =
    runners.get(configKeyOfChange(change)) ??
    removedModuleRunner(runners, change) ??
    runners.get(configKey(ANYWHERE, ANYWHERE));
  if (runner === undefined || runner.everyPlan || (runner.onDestroy === true && !destroys)) return undefined;
  return runner.runs;
}

/** A removed block naming a module the change is in (or a module above it). */
function removedModuleRunner(
  runners: ReadonlyMap<string, CodeRunner>,
  change: ResourceChangeJson,
): CodeRunner | undefined {
  for (let path = configModuleOfChange(change); path !== ""; path = path.replace(/\.?module\.[^.]*$/, "")) {
    const runner = runners.get(configKey(path, ANYWHERE));
    if (runner !== undefined) return runner;
  }
  return undefined;
}

/** `local-exec provisioner`, `local-exec, file provisioners`: the kinds once each, counted all. */
function provisionerWords(kinds: readonly string[]): string {
  return `${[...new Set(kinds)].join(", ")} provisioner${kinds.length > 1 ? "s" : ""}`;
}

function provisionerTypes(resource: ConfigResource): string[] {
  const list = resource.provisioners;
  if (!Array.isArray(list)) return [];
  // A provisioner of a kind not named still runs something: counted by position.
  return list.map((p: { type?: unknown }) => (typeof p?.type === "string" ? p.type : "unnamed"));
}

function programOf(resource: ConfigResource): string | undefined {
  return resource.mode === "data" && typeof resource.type === "string"
    ? PROGRAM_DATA_SOURCES.get(resource.type)
    : undefined;
}
