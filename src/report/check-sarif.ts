import type { CheckReport } from "../check/check-plan.js";
import { DECLARED_RULES } from "../check/declared-rules.js";
import { policiesDir } from "../policy/bundle-location.js";
import { ruleCatalog, type RuleEntry } from "../policy/rule-catalog.js";
import type { Verdict } from "../policy/verdict.js";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/**
 * SARIF 2.1.0 for GitHub code scanning: one result per verdict (deny = error, warn =
 * warning), located in the plan file and named by resource address; rule metadata from the
 * pack's METADATA.
 */
export function checkSarif(report: CheckReport): string {
  return sarifLog([report]);
}

/** One SARIF log with one run per report: several stacks' plans in one upload. */
export function sarifLog(reports: readonly CheckReport[]): string {
  const catalog = new Map<string, RuleText>([
    ...safeCatalog().map((rule): [string, RuleText] => [rule.id, rule]),
    ...Object.entries(DECLARED_RULES).map(([id, rule]): [string, RuleText] => [
      id,
      { ...rule, severity: "warn" },
    ]),
  ]);
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: reports.map((report) => sarifRun(report, catalog)),
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** What SARIF says of a rule: the pack's METADATA, or the CLI's own findings' text. */
type RuleText = Pick<RuleEntry, "title" | "description" | "severity"> & { readonly help?: string };

function sarifRun(report: CheckReport, catalog: ReadonlyMap<string, RuleText>) {
  const verdicts = [...report.verdicts.deny, ...report.verdicts.warn];
  const ruleIds = [...new Set(verdicts.map((verdict) => verdict.rule))].sort();
  return {
    tool: {
      driver: {
        name: "tempgrant",
        rules: ruleIds.map((id) => sarifRule(id, catalog.get(id))),
      },
    },
    results: verdicts.map((verdict) => sarifResult(verdict, report.source, ruleIds.indexOf(verdict.rule))),
  };
}

function sarifRule(id: string, entry: RuleText | undefined) {
  return {
    id,
    name: id.replace(/[^A-Za-z0-9]+(.)/g, (_match, next: string) => next.toUpperCase()),
    shortDescription: { text: entry?.title || id },
    fullDescription: { text: entry?.description || entry?.title || id },
    defaultConfiguration: { level: entry?.severity === "warn" ? "warning" : "error" },
    help: { text: entry?.help ?? `See docs/rules/${id}.md in the tempgrant package.` },
  };
}

function sarifResult(verdict: Verdict, source: string, ruleIndex: number) {
  return {
    ruleId: verdict.rule,
    ruleIndex,
    level: verdict.level === "deny" ? "error" : "warning",
    message: { text: verdict.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: source.replaceAll("\\", "/") },
          region: { startLine: 1 },
        },
        ...(verdict.address
          ? { logicalLocations: [{ fullyQualifiedName: verdict.address, kind: "resource" }] }
          : {}),
      },
    ],
    ...(verdict.grant ? { properties: { grant: verdict.grant } } : {}),
  };
}

/** The shipped pack's rules; an empty list when the pack is not beside the code. */
function safeCatalog(): RuleEntry[] {
  try {
    return ruleCatalog(policiesDir());
  } catch {
    return [];
  }
}
