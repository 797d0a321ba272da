import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TempgrantError } from "../errors.js";
import { jsonProblem, parseJsonDocument } from "../plan/json-document.js";
import { JsonUnitError } from "../plan/json-units.js";
import { ANYWHERE, type RemovedBlock } from "../plan/code-runners.js";

/** The configuration files tofu and Terraform read: JSON, or HCL that is not read here. */
const JSON_CONFIG = /\.(tf|tofu)\.json$/;
const HCL_CONFIG = /\.(tf|tofu)$/;
/** Folders of a stack that hold no configuration: the providers' binaries, version control. */
const SKIPPED = new Set([".terraform/providers", ".terraform/plugins", ".git", "node_modules"]);
const MAX_DEPTH = 16;

/**
 * The `removed` blocks with provisioners of a stack folder (its synthesized `cdk.tf.json`, any
 * other configuration file, and the modules under it, `.terraform/modules` too). Tofu's plan
 * JSON leaves `removed` blocks out, provisioners and all, so a destroy-time `local-exec` there
 * would run unseen. A block whose `from` cannot be placed (in a module's own file, in HCL,
 * which is not parsed, or written in a form not read) may name anything: {@link ANYWHERE}.
 * A JSON file is read by the plan reader's rules (json-document.ts): one that cannot be read
 * as tofu reads it (invalid, or a key repeated, which `JSON.parse` reads as the last and tofu
 * as all) is an error, never "none".
 */
export function removedBlocksOf(stackDir: string): RemovedBlock[] {
  // Not a stack's folder (a plan checked away from its configuration): nothing to read.
  if (
    !existsSync(stackDir) ||
    !readdirSync(stackDir).some((entry) => JSON_CONFIG.test(entry) || HCL_CONFIG.test(entry))
  )
    return [];
  const blocks: RemovedBlock[] = [];
  for (const file of configFiles(stackDir, "", 0)) {
    const path = join(stackDir, file);
    const bytes = readFileSync(path);
    const atRoot = !file.includes("/");
    if (JSON_CONFIG.test(file)) blocks.push(...jsonRemovedBlocks(bytes, path, atRoot));
    else if (hclMayRunRemoved(bytes.toString("utf8")))
      blocks.push({ from: ANYWHERE, provisioners: ["unread"] });
  }
  return blocks;
}

function jsonRemovedBlocks(bytes: Buffer, path: string, atRoot: boolean): RemovedBlock[] {
  let config: unknown;
  try {
    config = parseJsonDocument(bytes);
  } catch (error) {
    if (!(error instanceof JsonUnitError)) throw error;
    throw new TempgrantError(
      "INVALID_INPUT",
      `${path}: ${jsonProblem(bytes, error.problem, "configuration JSON")}`,
    );
  }
  const blocks: RemovedBlock[] = [];
  // JSON syntax writes a block as an object or as a list of them.
  for (const block of asList((config as { removed?: unknown } | null)?.removed)) {
    const provisioners = asList((block as { provisioner?: unknown } | null)?.provisioner).flatMap((entry) =>
      typeof entry === "object" && entry !== null && Object.keys(entry).length > 0
        ? Object.keys(entry)
        : ["unnamed"],
    );
    if (provisioners.length === 0) continue;
    const from = (block as { from?: unknown } | null)?.from;
    blocks.push({ from: atRoot ? placed(from) : ANYWHERE, provisioners });
  }
  return blocks;
}

/** HCL is not parsed: a file with a removed block and a provisioner may run it on any destroy. */
function hclMayRunRemoved(text: string): boolean {
  return /(^|\n)\s*removed\s*\{/.test(text) && /\bprovisioner\s*"/.test(text);
}

/**
 * A `from` as tofu reads it (a traversal: blanks between its parts are allowed), or
 * {@link ANYWHERE} when it is not a plain resource or module address.
 */
function placed(from: unknown): string {
  if (typeof from !== "string") return ANYWHERE;
  const address = from.replace(/\s+/gu, "");
  const NAME = "[A-Za-z_][A-Za-z0-9_-]*";
  const plain = new RegExp(`^(module\\.${NAME}\\.)*(module\\.${NAME}|${NAME}\\.${NAME})$`);
  return plain.test(address) ? address : ANYWHERE;
}

/** The configuration files under `dir`, relative to `root`, without following links. */
function* configFiles(root: string, dir: string, depth: number): Generator<string> {
  if (depth > MAX_DEPTH) return;
  for (const entry of readdirSync(join(root, dir))) {
    const relative = dir === "" ? entry : `${dir}/${entry}`;
    const stat = lstatSync(join(root, relative));
    if (stat.isDirectory()) {
      if (!SKIPPED.has(relative) && !SKIPPED.has(entry)) yield* configFiles(root, relative, depth + 1);
    } else if (stat.isFile() && (JSON_CONFIG.test(entry) || HCL_CONFIG.test(entry))) yield relative;
  }
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
