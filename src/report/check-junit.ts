import type { CheckReport } from "../check/check-plan.js";
import type { Verdict } from "../policy/verdict.js";

/**
 * JUnit XML: one test suite per plan, one test case per grant (and one for resources
 * outside any grant), a failure per denial; warnings go to system-out.
 */
export function checkJunit(report: CheckReport): string {
  return junitDocument([report]);
}

/** One JUnit document with one test suite per report: several stacks' plans in one file. */
export function junitDocument(reports: readonly CheckReport[]): string {
  const suites = reports.map(junitSuite);
  const tests = suites.reduce((sum, suite) => sum + suite.tests, 0);
  const failures = suites.reduce((sum, suite) => sum + suite.failures, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tempgrant" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites.flatMap((suite) => suite.lines),
    "</testsuites>",
    "",
  ].join("\n");
}

function junitSuite(report: CheckReport): { tests: number; failures: number; lines: string[] } {
  const byCase = new Map<string, Verdict[]>();
  for (const verdict of [...report.verdicts.deny, ...report.verdicts.warn]) {
    const name = verdict.grant ? `grant ${verdict.grant}` : "resources outside grants";
    byCase.set(name, [...(byCase.get(name) ?? []), verdict]);
  }
  if (byCase.size === 0) byCase.set("all grants", []);
  const failures = [...byCase.values()].filter((list) => list.some((v) => v.level === "deny")).length;
  const cases = [...byCase.entries()].map(([name, verdicts]) => {
    const denied = verdicts.filter((v) => v.level === "deny");
    const warned = verdicts.filter((v) => v.level === "warn");
    const body = [
      ...(denied.length > 0
        ? [
            `      <failure type="policy" message="${xml(`${denied.length} denial(s)`)}">${xml(
              denied.map((v) => `${v.rule}${v.address ? ` (${v.address})` : ""}: ${v.message}`).join("\n"),
            )}</failure>`,
          ]
        : []),
      ...(warned.length > 0
        ? [
            `      <system-out>${xml(warned.map((v) => `WARN ${v.rule}: ${v.message}`).join("\n"))}</system-out>`,
          ]
        : []),
    ];
    const open = `    <testcase classname="tempgrant.check" name="${xml(name)}"`;
    return body.length === 0 ? `${open}/>` : `${open}>\n${body.join("\n")}\n    </testcase>`;
  });
  return {
    tests: byCase.size,
    failures,
    lines: [
      `  <testsuite name="${xml(report.source)}" tests="${byCase.size}" failures="${failures}" errors="0" skipped="0">`,
      ...cases,
      "  </testsuite>",
    ],
  };
}

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry. */
function xml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- the point is to keep only XML 1.0's allowed characters
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      .replaceAll("'", "&apos;")
  );
}
