import { readFileSync } from "node:fs";
import { TempgrantError } from "../errors.js";
import { parseDuration } from "../grant/duration.js";
import { parseTimestamp } from "../grant/time.js";
import { parseConfig, resolveConfig, type CheckConfig } from "../policy/config.js";

/** Parses a duration option (`--margin 5m`) or fails with exit 2 naming the flag. */
export function durationOption(flag: string, value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    throw new TempgrantError(
      "USAGE",
      `${flag} "${value}" is not a duration: use for example 90s, 15m, 2h, 7d or 1h30m`,
    );
  }
  return seconds;
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
  if (!match) throw new TempgrantError("USAGE", `${flag} "${value}" is not a size: use for example 64MiB`);
  return Number(match[1]) * (units[(match[2] ?? "b").toLowerCase()] ?? 1);
}

/** Reads tempgrant.yaml: the path given, else ./tempgrant.yaml when it exists, else the defaults. */
export async function loadCheckConfig(path: string | undefined): Promise<CheckConfig> {
  const candidate = path ?? "tempgrant.yaml";
  let text: string;
  try {
    text = readFileSync(candidate, "utf8");
  } catch (error) {
    if (path === undefined && (error as NodeJS.ErrnoException).code === "ENOENT") return resolveConfig();
    throw new TempgrantError(
      "INVALID_INPUT",
      `${candidate}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  return await parseConfig(text, candidate);
}
