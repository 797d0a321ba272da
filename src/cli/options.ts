import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { quoteValue, TempgrantError } from "../errors.js";
import { parseDuration } from "../grant/duration.js";
import { parseTimestamp } from "../grant/time.js";
import { parseConfig, resolveConfig, type CheckConfig } from "../policy/config.js";

/** Parses a duration option (`--margin 5m`) or fails with exit 2 naming the flag. */
export function durationOption(flag: string, value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    throw new TempgrantError(
      "USAGE",
      `${flag} ${quoteValue(value)} is not a duration: use for example 90s, 15m, 2h, 7d or 1h30m`,
    );
  }
  return seconds;
}

/**
 * Checks a state lock timeout (`--lock-timeout 90s`) as the engine will read it (a Go
 * duration in h, m and s, or 0) and returns it in seconds; exit 2 naming the flag otherwise,
 * before anything runs (tofu would only fail after the synthesis).
 */
export function lockTimeoutOption(flag: string, value: string): number {
  const seconds = /^(?:\d+[hms])+$/.test(value) ? parseDuration(value) : value === "0" ? 0 : undefined;
  if (seconds === undefined) {
    throw new TempgrantError(
      "USAGE",
      `${flag} ${quoteValue(value)} is not a lock timeout: use for example 0, 30s, 5m or 1h30m`,
    );
  }
  return seconds;
}

/** Checks a folder option (`--chdir`): it must exist and be a folder; exit 2 naming the flag otherwise. */
export function folderOption(flag: string, value: string): string {
  if (!statSync(value, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TempgrantError("USAGE", `${flag} ${quoteValue(value)}: no such folder`);
  }
  return value;
}

/** Checks an input file option (`--bundle policy.wasm`): it must be a file; exit 2 naming the flag otherwise. */
export function inputFileOption(flag: string, value: string): string {
  const stat = statSync(value, { throwIfNoEntry: false });
  if (!stat) throw new TempgrantError("USAGE", `${flag} ${value}: no such file`);
  if (!stat.isFile()) throw new TempgrantError("USAGE", `${flag} ${value}: is a folder, not a file`);
  return value;
}

/**
 * Checks an output file option (`--out report.html`) before any work: the folder it goes in
 * must exist, unless the command creates it (`createsFolder`: a bundle's conventional
 * `policies/bundle/`), and the path must not be a folder; exit 2 naming the flag and the path otherwise.
 */
export function outputFileOption(
  flag: string,
  value: string,
  options: { createsFolder?: boolean } = {},
): string {
  const folder = dirname(resolve(value));
  if (!options.createsFolder && !statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TempgrantError("USAGE", `${flag} ${value}: the folder ${folder} does not exist`);
  }
  if (statSync(value, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TempgrantError("USAGE", `${flag} ${value}: is a folder, not a file`);
  }
  return value;
}

/** Parses a time option (`--at 2026-11-25T10:00:00Z`) into epoch seconds, or fails with exit 2 naming the flag. */
export function timeOption(flag: string, value: string): number {
  const parsed = parseTimestamp(value);
  if (!parsed.ok) throw new TempgrantError("USAGE", `${flag}: ${parsed.message}`);
  return parsed.instant.seconds;
}

/** Parses a size option (`64MiB`, `200MB`, `1048576`) into bytes. */
export function sizeOption(flag: string, value: string): number {
  const match = /^(\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i.exec(value.trim());
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    kib: 1024,
    mb: 1e6,
    mib: 1024 ** 2,
    gb: 1e9,
    gib: 1024 ** 3,
  };
  if (!match)
    throw new TempgrantError("USAGE", `${flag} ${quoteValue(value)} is not a size: use for example 64MiB`);
  return Number(match[1]) * (units[(match[2] ?? "b").toLowerCase()] ?? 1);
}

/**
 * Reads tempgrant.yaml: the path given (relative to where the user stands, as every path on
 * the command line), else the project's tempgrant.yaml when it exists, else the defaults.
 */
export async function loadCheckConfig(path: string | undefined, projectDir = "."): Promise<CheckConfig> {
  const candidate = path ?? join(projectDir, "tempgrant.yaml");
  let text: string;
  try {
    text = readFileSync(candidate, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    if (path === undefined && missing) return resolveConfig();
    // A path the user gave is named with its flag, as every option's error is.
    throw new TempgrantError(
      path === undefined ? "INVALID_INPUT" : "USAGE",
      `${path === undefined ? "" : "--config "}${candidate}: ${missing ? "no such file" : (error as Error).message}`,
    );
  }
  return await parseConfig(text, candidate);
}
