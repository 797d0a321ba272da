/** Units a duration may use, in seconds. Months and years are not fixed lengths, so they are refused. */
const UNIT_SECONDS: Readonly<Record<string, number>> = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 };
const DURATION = /^(?:\d+[wdhms])+$/;

/**
 * Parses a duration such as `90s`, `15m`, `2h`, `7d`, `1w` or `1h30m` into seconds.
 * Returns undefined for anything else (including negative numbers, decimals and blanks).
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([wdhms])/g)) {
    total += Number(amount) * (UNIT_SECONDS[unit ?? ""] ?? Number.NaN);
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Renders seconds as the shortest readable duration, for example `1d2h` or `45s`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const sign = seconds < 0 ? "-" : "";
  let rest = Math.abs(seconds);
  let text = "";
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    if (unit === "w") continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return sign + text;
}
