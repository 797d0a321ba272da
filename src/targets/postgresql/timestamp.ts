import { formatTimestamp, parseTimestamp } from "../../grant/time.js";

/**
 * PostgreSQL's own text form of a timestamptz in UTC with the default ISO DateStyle
 * (`2026-11-25 18:00:00+00`): what `VALID UNTIL` reads back as, so a provider that reads the
 * value back sees no drift, and what a plan of cyrilgdn's `postgresql_role` holds.
 */
export function formatPostgresTimestamp(epochSeconds: number): string {
  return `${formatTimestamp(epochSeconds).slice(0, 19).replace("T", " ")}+00`;
}

/** Epoch seconds of a timestamp in that form (UTC only); undefined for anything else. */
export function parsePostgresTimestamp(value: unknown): number | undefined {
  const match =
    typeof value === "string" ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\+00$/.exec(value) : null;
  if (!match) return undefined;
  const parsed = parseTimestamp(`${match[1]}T${match[2]}Z`);
  return parsed.ok ? parsed.instant.seconds : undefined;
}
