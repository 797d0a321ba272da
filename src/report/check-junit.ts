import type { CheckReport } from "../check/check-plan.js";
import type { Verdict } from "../policy/verdict.js";

/**
 * JUnit XML: one test suite per plan, one test case per grant (and one for resources
 * outside any grant), a failure per denial; warnings go to system-out.
 */
export function checkJunit(report: CheckReport): string {
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
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tempgrant" tests="${byCase.size}" failures="${failures}" errors="0">`,
    `  <testsuite name="${xml(report.source)}" tests="${byCase.size}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
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
