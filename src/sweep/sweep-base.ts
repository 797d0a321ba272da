import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { appInputsDigest, type AppInputs } from "../check/app-inputs.js";
import { listedGrants, type ListedGrant } from "../check/declared-listing.js";
import type { CheckConfig } from "../policy/config.js";
import { currentInitStamp, initArgs, type Workspace } from "../runner/index.js";

/**
 * The base of the fast path (docs/sweep.md, "The fast path"): what the last full sweep of a
 * stack that left nothing to do saw, so a later sweep can tell that running the app again
 * would give the same configuration minus the grants that expired since. Kept in
 * `<project>/.tempgrant/sweep-base/<stack>.json` beside the last good configuration.
 */
export interface SweepBase {
  readonly format: typeof FORMAT;
  readonly stack: string;
  /** {@link stackInputsDigest} of that sweep. */
  readonly digest: string;
  /** What the app read then (app-inputs.ts). */
  readonly inputs: AppInputs;
  /** sha256 of the last good configuration that sweep kept. */
  readonly configSha256: string;
  /** The state's serial after that sweep (or the fast sweeps since), and its lineage when known. */
  readonly serial: number;
  /** The full sweep's clock (epoch seconds): how old the synthesized configuration is. */
  readonly synthNow: number;
  /**
   * Every stack the app synthesized then: a fast sweep must sweep them all from bases of
   * their own (a stack whose state was empty has none, and may have been applied since).
   */
  readonly appStacks: readonly string[];
}

const FORMAT = "tempgrant-sweep-base/1";

/** The most a fast path may go without a full sweep: drift and new merges show in a day at worst. */
export const FAST_PATH_MAX_AGE_SECONDS = 24 * 3600;

/**
 * The most grants the fast path revokes at once. Its plan is limited (`-target`) to each
 * address, which costs tofu more per target than the app and one full plan cost: revoking
 * 100 of 100 grants, 2.8 s of plan against 3.7 s of app and full plan; 1000 of 1000, 18.4 s
 * against 14.0 s (BENCHMARKS.md, "Sweeps"). Past this, the sweep runs the app.
 */
export const FAST_PATH_MAX_REVOCATIONS = 250;

function baseFile(projectDir: string, stack: string): string {
  return join(resolve(projectDir), ".tempgrant", "sweep-base", `${encodeURIComponent(stack)}.json`);
}

/** The stack's base, or undefined when there is none or it is not one this version wrote. */
export function readSweepBase(projectDir: string, stack: string): SweepBase | undefined {
  try {
    const base = JSON.parse(readFileSync(baseFile(projectDir, stack), "utf8")) as Partial<SweepBase>;
    if (
      base.format !== FORMAT ||
      base.stack !== stack ||
      typeof base.digest !== "string" ||
      typeof base.configSha256 !== "string" ||
      typeof base.serial !== "number" ||
      typeof base.synthNow !== "number" ||
      !Array.isArray(base.appStacks) ||
      !base.appStacks.every((name) => typeof name === "string") ||
      typeof base.inputs !== "object" ||
      base.inputs === null
    )
      return undefined;
    return base as SweepBase;
  } catch {
    return undefined;
  }
}

/** Writes the base (by rename: a concurrent reader sees the whole file or the old one). */
export function writeSweepBase(projectDir: string, base: Omit<SweepBase, "format">): void {
  const file = baseFile(projectDir, base.stack);
  mkdirSync(join(file, ".."), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ format: FORMAT, ...base })}\n`);
  renameSync(temporary, file);
}

/** Forgets the base: the next sweep of the stack runs the app. */
export function dropSweepBase(projectDir: string, stack: string): void {
  rmSync(baseFile(projectDir, stack), { force: true });
}

/** What decides a stack's configuration besides the clock, for {@link stackInputsDigest}. */
export interface StackInputs {
  /** The compiled bundle the app runs (its name is the digest of its sources, packages and lock file). */
  readonly bundle: string;
  /** cdktf.json's text. */
  readonly cdktfJson: string;
  readonly inputs: AppInputs;
  /** The environment the app runs with (synth-app.ts's appEnvironment). */
  readonly appEnv: NodeJS.ProcessEnv;
  /** The synthesis folder, absolute: what the app writes, not an input. */
  readonly outdir: string;
  readonly config: CheckConfig;
  /** The stack's working directory, with the configuration in place, for the init stamp. */
  readonly workspace: Workspace;
}

/**
 * A digest of everything that decides what the app synthesizes for a stack and how the engine
 * runs it, the clock excepted: the bundle, cdktf.json, what the app read (files, folders,
 * environment), tempgrant.yaml as resolved, node's version, and the init stamp (engine,
 * providers, lock file). Undefined when one cannot be known (the app did something it cannot
 * replay, or init would run).
 */
export function stackInputsDigest(parts: StackInputs): string | undefined {
  if (parts.inputs.untracked.length > 0) return undefined;
  const stamp = currentInitStamp(parts.workspace, initArgs(parts.workspace));
  if (stamp === undefined) return undefined;
  let inputs: string;
  try {
    inputs = appInputsDigest(parts.inputs, parts.appEnv, [parts.outdir]);
  } catch {
    return undefined;
  }
  return createHash("sha256")
    .update(
      JSON.stringify([FORMAT, process.version, parts.bundle, parts.cdktfJson, inputs, parts.config, stamp]),
    )
    .digest("hex");
}

/**
 * Why a configuration cannot be the base of a fast path, or undefined when it can: the app
 * read a grant's status (its output may change with the clock in other ways). Grants on a
 * target the sweep checks from inside (PostgreSQL) are checked on the fast path too.
 */
export function configurationRefusal(configFile: string): string | undefined {
  const config = JSON.parse(readFileSync(configFile, "utf8")) as {
    "//"?: { tempgrant?: { clockRead?: unknown } };
  };
  if (config["//"]?.tempgrant?.clockRead === true) return "the app reads grants' status";
  return undefined;
}

/**
 * The grants of the base's configuration as a synth at `now` would declare them: active
 * grants stay active until their expiry (minus the margin); nothing else changes, since a
 * grant that would start by `now` sends the sweep down the full path.
 */
export function grantsAt(
  stackDir: string,
  now: number,
  marginSeconds: number,
): { grants: ListedGrant[]; starting: boolean; expiring: number } {
  const listed = listedGrants(stackDir);
  const starting = listed.some(
    (grant) => grant.status === "pending" && grant.startsAt !== null && grant.startsAt <= now,
  );
  let expiring = 0;
  const grants = listed.map((grant) => {
    if (grant.status !== "active" || grant.expiresAt === null || now < grant.expiresAt - marginSeconds)
      return grant;
    expiring += 1;
    return { ...grant, status: "expired" };
  });
  return { grants, starting, expiring };
}
