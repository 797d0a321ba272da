/**
 * Timestamps: RFC 3339 with an explicit zone, normalized to UTC epoch seconds. Nothing is
 * guessed: a timestamp without a zone, an impossible date or time, or a local time that a
 * named zone skips or repeats (when the RFC 9557 `[Area/City]` suffix is given and its
 * offset does not match) is rejected with a message that says which.
 */

import { quoteValue } from "../errors.js";

/** A parsed instant: whole epoch seconds, and whether a sub-second fraction was dropped. */
export interface Instant {
  readonly seconds: number;
  readonly hadFraction: boolean;
}

/** Either an instant or why the text is not one. */
export type ParsedTimestamp =
  | { readonly ok: true; readonly instant: Instant }
  | { readonly ok: false; readonly code: string; readonly message: string };

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?(?:\[([^\]]+)\])?$/;

const fail = (code: string, message: string): ParsedTimestamp => ({ ok: false, code, message });

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (1-12) of the proleptic Gregorian calendar; arithmetic, as plans hold thousands of timestamps. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/** Parses an RFC 3339 timestamp (optionally with an RFC 9557 zone suffix). */
export function parseTimestamp(text: string): ParsedTimestamp {
  const canonical = canonicalUtcSeconds(text);
  if (canonical !== undefined) return { ok: true, instant: { seconds: canonical, hadFraction: false } };
  const match = RFC3339.exec(text.trim());
  if (!match) {
    return fail(
      "TIME_FORMAT",
      `${quoteValue(text)} is not an RFC 3339 timestamp (for example 2026-11-25T18:00:00Z)`,
    );
  }
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om, zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!zulu && !sign) {
    return fail(
      "TIME_NO_ZONE",
      `${quoteValue(text)} has no zone: add Z for UTC or an offset such as +01:00 (local times are never guessed)`,
    );
  }
  if (year < 1970) {
    return fail("TIME_IMPOSSIBLE", `${quoteValue(text)} is before 1970, which no grant can mean`);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return fail(
      "TIME_IMPOSSIBLE",
      `${quoteValue(text)} is not a real date (${year}-${mo} has ${monthDays(year, month)})`,
    );
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return fail(
      "TIME_IMPOSSIBLE",
      `${quoteValue(text)} is not a real time of day` +
        (second === 60 ? " (leap seconds are not accepted)" : ""),
    );
  }
  const offsetMinutes = zulu ? 0 : (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (!zulu && (Number(oh) > 23 || Number(om) > 59)) {
    return fail("TIME_IMPOSSIBLE", `${quoteValue(text)} has an impossible zone offset`);
  }
  if (sign === "-" && offsetMinutes === 0) {
    return fail(
      "TIME_NO_ZONE",
      `${quoteValue(text)} uses -00:00, which RFC 3339 defines as "zone unknown": use Z`,
    );
  }
  const seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
  if (zone) {
    const zoneOffset = offsetInZone(zone, seconds);
    if (zoneOffset === undefined)
      return fail("TIME_ZONE_UNKNOWN", `${quoteValue(text)} names an unknown time zone ${quoteValue(zone)}`);
    if (zoneOffset !== offsetMinutes) {
      return fail(
        "TIME_NOT_IN_ZONE",
        `${quoteValue(text)}: ${y}-${mo}-${d}T${h}:${mi}:${s} with offset ${formatOffset(offsetMinutes)} is not a ` +
          `local time in ${zone} (its offset then is ${formatOffset(zoneOffset)}; a DST change skips or repeats hours)`,
      );
    }
  }
  return { ok: true, instant: { seconds, hadFraction: fraction !== undefined && /[1-9]/.test(fraction) } };
}

/**
 * The form tempgrant itself writes, `2026-11-25T18:00:00Z`, read without the regular
 * expression: a plan holds one or two per grant, tens of thousands in a large one. Undefined
 * for anything else, impossible dates included, which the full parser then explains.
 */
function canonicalUtcSeconds(text: string): number | undefined {
  if (text.length !== 20 || text.charCodeAt(19) !== 90 /* Z */) return undefined;
  const digits = (from: number, count: number): number => {
    let value = 0;
    for (let at = from; at < from + count; at += 1) {
      const digit = text.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) return Number.NaN;
      value = value * 10 + digit;
    }
    return value;
  };
  if (text[4] !== "-" || text[7] !== "-" || text[10] !== "T" || text[13] !== ":" || text[16] !== ":") {
    return undefined;
  }
  const year = digits(0, 4);
  const month = digits(5, 2);
  const day = digits(8, 2);
  const hour = digits(11, 2);
  const minute = digits(14, 2);
  const second = digits(17, 2);
  // NaN fails every comparison, so a non-digit falls through as well.
  if (!(year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) {
    return undefined;
  }
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

function monthDays(year: number, month: number): string {
  return `${daysInMonth(year, month)} days`;
}

/** The UTC offset, in minutes, of an IANA zone at an instant; undefined for an unknown zone. */
export function offsetInZone(zone: string, epochSeconds: number): number | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(
      new Date(epochSeconds * 1000),
    );
  } catch {
    return undefined;
  }
  const name = parts.find((part) => part.type === "timeZoneName")?.value ?? "";
  const match = /GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!match) return undefined;
  if (!match[1]) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** An offset in minutes as RFC 3339 writes it: `+01:00`, `-05:30`, `+00:00`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Epoch seconds of a value read from a plan, state or ledger: null unless it is an RFC 3339 timestamp. */
export function epochSecondsOrNull(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const parsed = parseTimestamp(value);
  return parsed.ok ? parsed.instant.seconds : null;
}

/** Renders epoch seconds as RFC 3339 in UTC, for example `2026-11-25T18:00:00Z`. */
export function formatTimestamp(epochSeconds: number): string {
  // Grants of one stack mostly share their times: synthesizing 10,000 formats a few.
  if (epochSeconds === lastFormatted.seconds) return lastFormatted.text;
  const text = new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  lastFormatted = { seconds: epochSeconds, text };
  return text;
}

let lastFormatted: { readonly seconds: number; readonly text: string } = { seconds: NaN, text: "" };
