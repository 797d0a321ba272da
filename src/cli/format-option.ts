import { InvalidArgumentError, Option } from "commander";
import {
  deprecatedAliases,
  FORMAT_NAMES,
  resolveFormat,
  type FormatOf,
  type OutputKind,
} from "../report/format-names.js";

/**
 * `--format <format>` for an output kind: the names of the one registry (src/report/format-names.ts)
 * as the choices, a deprecated alias read as its name, anything else refused as commander
 * refuses a choice (exit 2).
 */
export function formatOption<Kind extends OutputKind>(
  kind: Kind,
  defaultFormat: FormatOf<Kind>,
  description = "output format",
): Option {
  const aliases = deprecatedAliases(kind);
  const option = new Option(
    "--format <format>",
    aliases.length > 0 ? `${description}; also accepted: ${aliases.join(", ")}` : description,
  )
    .choices(FORMAT_NAMES[kind])
    .default(defaultFormat);
  return option.argParser((value: string) => {
    const format = resolveFormat(kind, value);
    if (format === undefined) {
      throw new InvalidArgumentError(`Allowed choices are ${FORMAT_NAMES[kind].join(", ")}.`);
    }
    return format;
  });
}
