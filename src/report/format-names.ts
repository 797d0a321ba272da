/**
 * The one registry of output format names, one list per output kind, apart from the
 * formatters so that `--help` and option parsing do not load every formatter (and what they
 * import) just to list them. A format has one name everywhere: `markdown` is `markdown` in
 * `check`, `plan`, `apply`, `audit diff` and `audit report` alike.
 */
export const FORMAT_NAMES = {
  /** `check`, `plan`, `apply`: check results. */
  check: ["text", "json", "sarif", "junit", "github", "markdown"],
  /** `audit diff`. */
  auditDiff: ["text", "markdown", "json", "csv"],
  /** `grants`. */
  grantListing: ["table", "json"],
  /** `audit report`. */
  auditReport: ["html", "markdown", "csv", "json"],
} as const;

export type OutputKind = keyof typeof FORMAT_NAMES;
export type FormatOf<Kind extends OutputKind> = (typeof FORMAT_NAMES)[Kind][number];
export type CheckFormat = FormatOf<"check">;
export type AuditDiffFormat = FormatOf<"auditDiff">;
export type GrantListingFormat = FormatOf<"grantListing">;
export type AuditReportFormat = FormatOf<"auditReport">;

/**
 * Old spellings still accepted, deprecated: `audit report --format md` was documented before
 * the names were made one. Each maps to the one name; `--help` says so.
 */
export const DEPRECATED_FORMAT_ALIASES: Readonly<Record<string, string>> = { md: "markdown" };

/** The file name extension of a format, for output files tempgrant names itself. */
export const FORMAT_EXTENSIONS: Readonly<Record<string, string>> = {
  text: "txt",
  markdown: "md",
  json: "json",
  csv: "csv",
  html: "html",
  sarif: "sarif",
  junit: "xml",
  github: "txt",
  table: "txt",
};

/** The format a name (or a deprecated alias) means for an output kind; undefined for none. */
export function resolveFormat<Kind extends OutputKind>(kind: Kind, name: string): FormatOf<Kind> | undefined {
  const names: readonly string[] = FORMAT_NAMES[kind];
  const canonical = Object.hasOwn(DEPRECATED_FORMAT_ALIASES, name) ? DEPRECATED_FORMAT_ALIASES[name]! : name;
  return names.includes(canonical) ? (canonical as FormatOf<Kind>) : undefined;
}

/** The deprecated aliases an output kind accepts, as `md (deprecated: markdown)`. */
export function deprecatedAliases(kind: OutputKind): string[] {
  const names: readonly string[] = FORMAT_NAMES[kind];
  return Object.entries(DEPRECATED_FORMAT_ALIASES)
    .filter(([, name]) => names.includes(name))
    .map(([alias, name]) => `${alias} (deprecated: ${name})`);
}
