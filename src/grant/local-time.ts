import { quoteValue } from "../errors.js";
import { formatOffset, formatTimestamp, offsetInZone, parseTimestamp, type ParsedTimestamp } from "./time.js";

/** A local date and time as people type it: `2026-12-03 09:00`, `2026-12-03T09:00:30`. */
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(:\d{2})?$/;

/**
 * Reads a time an engineer typed: RFC 3339 with a zone as it stands, or a local date and time
 * in `zone` (an IANA name). The local time's offset is the zone's at that moment; a time the
 * zone skips (spring forward) or repeats (autumn) is refused, naming both offsets, never guessed.
 */
export function parseTimeInZone(text: string, zone: string): ParsedTimestamp {
  const match = LOCAL_TIME.exec(text.trim());
  if (!match) return parseTimestamp(text);
  const local = `${match[1]}T${match[2]}${match[3] ?? ":00"}`;
  // An impossible date or time is that, in every zone: say so about the text as typed.
  const asUtc = parseTimestamp(`${local}Z`);
  if (!asUtc.ok)
    return { ...asUtc, message: asUtc.message.replace(quoteValue(`${local}Z`), quoteValue(text)) };
  const guess = asUtc.instant.seconds;
  // The zone's offsets around that moment; each is right only if the zone agrees at the instant it gives.
  const offsets = new Set(
    [-86_400, 0, 86_400].map((shift) => offsetInZone(zone, guess + shift)).filter((o) => o !== undefined),
  );
  const found = new Map<number, string>();
  for (const offset of offsets) {
    const parsed = parseTimestamp(`${local}${formatOffset(offset)}[${zone}]`);
    if (parsed.ok) found.set(parsed.instant.seconds, formatOffset(offset));
  }
  if (found.size === 1) {
    const [seconds] = [...found.keys()];
    return { ok: true, instant: { seconds: seconds ?? 0, hadFraction: false } };
  }
  const where = `${quoteValue(text)} in ${zone}`;
  return found.size === 0
    ? {
        ok: false,
        code: "TIME_SKIPPED",
        message: `${where} does not exist (the clocks skip it): give another time, or an offset`,
      }
    : {
        ok: false,
        code: "TIME_AMBIGUOUS",
        message: `${where} happens twice (${[...found.values()].join(" and ")}): write the offset you mean, for example ${local}${[...found.values()][0]}`,
      };
}

/** An instant written in `zone` with its offset: `2026-12-03T09:00:00+01:00` (UTC: `...Z`). */
export function formatTimestampInZone(seconds: number, zone: string): string {
  const offset = offsetInZone(zone, seconds);
  if (offset === undefined || offset === 0) return formatTimestamp(seconds);
  return `${formatTimestamp(seconds + offset * 60).slice(0, 19)}${formatOffset(offset)}`;
}
