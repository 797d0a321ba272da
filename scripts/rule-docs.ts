// Writes a doc page for every rule of the shipped pack that has none yet
// (docs/rules/<category>/<rule-name>.md), from the rule's METADATA. Existing pages are kept.
// Usage: npm run docs:rules
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { policiesDir, ruleCatalog } from "../src/policy/index.js";

const docsDir = join(policiesDir(), "..", "docs", "rules");
for (const rule of ruleCatalog(policiesDir())) {
  const page = join(docsDir, rule.category, `${rule.name}.md`);
  if (existsSync(page)) continue;
  mkdirSync(dirname(page), { recursive: true });
  writeFileSync(
    page,
    [
      `# ${rule.id}: ${rule.title}`,
      "",
      `Severity: **${rule.severity}**. Source: \`policies/rules/${rule.category}/${rule.name}/\`.`,
      "",
      rule.description,
      "",
      "## How to fix",
      "",
      "Each verdict's message says what to change. Limits come from `tempgrant.yaml`",
      "(see [checking plans](../../checking.md)).",
      "",
    ].join("\n"),
  );
  console.log(`wrote ${page}`);
}
