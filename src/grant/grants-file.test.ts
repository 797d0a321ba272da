import { describe, expect, it } from "vitest";
import { formatLocatedProblem, parseGrantsFile } from "./grants-file.js";

const GOOD = `# team-a grants
grants:
  - id: alice-orders-read
    principal: alice@example.com
    target: orders-db
    access: read
    expiresAt: 2026-11-25T18:00:00Z
    reason: investigate INC-42
    ticket: INC-42
    requestedBy: alice@example.com
    approvedBy: [bob@example.com]
  - id: bob-orders-write
    principal: bob@example.com
    target: orders-db
    access: write
    expiresAt: "2026-11-25T18:00:00"
    reason: backfill
    requestedBy: bob@example.com
    expires: tomorrow
`;

describe("parseGrantsFile", () => {
  it("keeps unquoted timestamps as text and validates each grant on its own", () => {
    const parsed = parseGrantsFile(GOOD, "grants/team-a.yaml");
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((entry) => [entry.path, entry.line, entry.grant?.id])).toEqual([
      ["grants[0]", 3, "alice-orders-read"],
      ["grants[1]", 12, undefined],
    ]);
    expect(parsed.entries[1]?.problems.map(formatLocatedProblem)).toEqual([
      'grants/team-a.yaml:19 grants[1].expires: unknown field "expires" (did you mean "expiresAt"?)',
    ]);
  });

  it("points at the line of a bad timestamp", () => {
    const text = GOOD.replace("    expires: tomorrow\n", "");
    const problems = parseGrantsFile(text, "a.yaml").entries[1]?.problems ?? [];
    expect(problems.map(formatLocatedProblem)).toEqual([
      'a.yaml:16 grants[1].expiresAt: "2026-11-25T18:00:00" has no zone: add Z for UTC or an offset such as +01:00 (local times are never guessed)',
    ]);
  });

  it("reports a missing field at the grant's own line", () => {
    const text = "grants:\n  - id: x1\n    principal: p\n";
    const problems = parseGrantsFile(text, "a.yaml").entries[0]?.problems.map(formatLocatedProblem) ?? [];
    expect(problems).toContain('a.yaml:2 grants[0].target: missing required field "target"');
  });

  it("rejects empty files, syntax errors, duplicate keys and several documents with a line", () => {
    const first = (text: string) => formatLocatedProblem(parseGrantsFile(text, "f.yaml").problems[0]!);
    expect(first("")).toBe("f.yaml: the file is empty: expected a `grants:` list");
    expect(first("# only a comment\n")).toBe("f.yaml: the file is empty: expected a `grants:` list");
    expect(first("grants:\n  - id: [unclosed\n")).toMatch(/^f\.yaml:\d+: not valid YAML: /);
    expect(first("grants: []\ngrants: []\n")).toMatch(/^f\.yaml:2: not valid YAML: Map keys must be unique/);
    expect(first("grants: []\n---\ngrants: []\n")).toBe(
      "f.yaml:2: more than one YAML document: put every grant under one `grants:` list",
    );
    expect(first("- id: a\n")).toBe("f.yaml:1: must be an object, not a list");
    expect(first("grants: {}\n")).toBe("f.yaml:1 grants: must be an array, not a mapping");
  });
});
