import { TempgrantError } from "../errors.js";

/** Placeholders look like `{{EXPIRES_AT}}`: upper case, so `${{ github.ref }}` in a workflow is never one. */
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

/**
 * Fills a template's placeholders. Values are escaped as inside a JSON string, which is
 * also valid in the TypeScript and quoted YAML strings the templates put them in. An
 * unknown placeholder is an error rather than text left in a user's repo.
 */
export function renderTemplate(
  text: string,
  values: Readonly<Record<string, string>>,
  source: string,
): string {
  return text.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined)
      throw new TempgrantError("INTERNAL", `template ${source}: no value for {{${key}}}`);
    return JSON.stringify(value).slice(1, -1);
  });
}
