import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** One rule of a pack, as its folder and METADATA describe it. */
export interface RuleEntry {
  /** `<category>/<rule-name>`: the rule's identity, from its path. */
  readonly id: string;
  readonly category: string;
  readonly name: string;
  readonly file: string;
  readonly testFile: string;
  readonly title: string;
  readonly description: string;
  readonly severity: string;
  /** The id written in METADATA `custom.id`; must equal `id`. */
  readonly declaredId: string;
}

/** Lists the rules of a pack (`<pack>/rules/<category>/<rule-name>/<rule_name>.rego`) with their METADATA. */
export function ruleCatalog(packDir: string): RuleEntry[] {
  const rulesDir = join(packDir, "rules");
  const entries: RuleEntry[] = [];
  for (const category of readdirSync(rulesDir).sort()) {
    for (const name of readdirSync(join(rulesDir, category)).sort()) {
      const base = join(rulesDir, category, name, name.replaceAll("-", "_"));
      const file = `${base}.rego`;
      const metadata = existsSync(file) ? readMetadata(readFileSync(file, "utf8")) : {};
      entries.push({
        id: `${category}/${name}`,
        category,
        name,
        file,
        testFile: `${base}_test.rego`,
        title: String(metadata.title ?? ""),
        description: String(metadata.description ?? "").trim(),
        severity: String(metadata.custom?.severity ?? ""),
        declaredId: String(metadata.custom?.id ?? ""),
      });
    }
  }
  return entries;
}

interface Metadata {
  title?: unknown;
  description?: unknown;
  custom?: { id?: unknown; severity?: unknown };
}

/** The first METADATA comment block of a Rego file, parsed as YAML. */
function readMetadata(source: string): Metadata {
  const lines = source.split("\n");
  const start = lines.findIndex((line) => line.trim() === "# METADATA");
  if (start < 0) return {};
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("#")) break;
    body.push(line.replace(/^# ?/, ""));
  }
  return (parse(body.join("\n")) as Metadata | null) ?? {};
}
