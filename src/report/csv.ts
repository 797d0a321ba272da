import { stringify } from "csv-stringify/sync";

/**
 * A CSV cell: text (from a grant, a plan or a ledger: never trusted) or a number or boolean
 * that tempgrant computed itself.
 */
export type CsvCell = string | number | boolean;

/**
 * Text a spreadsheet must show, not run: a cell that starts with `=`, `+`, `-`, `@`, a tab or
 * a carriage return gets a leading `'` (OWASP's advice against CSV injection), so a grant's
 * reason `=HYPERLINK(...)` stays text. Numbers tempgrant computed are written as numbers.
 */
export function csvCell(cell: CsvCell): string {
  if (typeof cell !== "string") return String(cell);
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** The one CSV writer: a header row and the rows, every cell through {@link csvCell}, quoted by csv-stringify. */
export function writeCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify([header.map(csvCell), ...rows.map((row) => row.map(csvCell))]);
}
