/**
 * Output format names, apart from the formatters, so `--help` and option parsing do not
 * load every formatter (and what they import) just to list them.
 */
export const CHECK_FORMAT_NAMES = ["text", "json", "sarif", "junit", "github", "markdown"] as const;
export type CheckFormat = (typeof CHECK_FORMAT_NAMES)[number];

export const GRANT_LISTING_FORMATS = ["table", "json"] as const;
export type GrantListingFormat = (typeof GRANT_LISTING_FORMATS)[number];
