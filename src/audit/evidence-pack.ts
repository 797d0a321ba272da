import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { c as createTar } from "tar";
import { TempgrantError } from "../errors.js";
import { sha256File } from "../exec/sha256-file.js";
import { formatTimestamp } from "../grant/time.js";
import { ledgerWindows, stateMismatches } from "./ledger-windows.js";
import { verifyLedger, type LedgerVerification } from "./ledger/index.js";
import { auditHtml } from "./report/audit-html.js";
import { auditReport, type AuditPeriod } from "./report/audit-period.js";
import { auditCsv, auditJson, auditMarkdown } from "./report/audit-text-formats.js";

/** What goes into an evidence pack. */
export interface EvidencePackOptions {
  readonly ledgerPath: string;
  /** States to include and cross-check (`show -json` or .tfstate), each copied as it is. */
  readonly statePaths: readonly string[];
  readonly period: Omit<AuditPeriod, "from"> & { readonly from?: number };
  /** The .tar.gz to write. */
  readonly out: string;
  /** When the pack is made (epoch seconds), for the manifest. */
  readonly createdAt: number;
}

/** What was packed, and whether the ledger's chain held. */
export interface EvidencePack {
  readonly out: string;
  readonly verification: LedgerVerification;
  readonly files: readonly { readonly name: string; readonly sha256: string }[];
}

/**
 * Bundles what an auditor asks for into one .tar.gz: the ledger as it is, the result of
 * verifying it (with its head, to anchor), the period's report in every format, the states
 * and their cross-check with the ledger, and a manifest with each file's sha256. A broken
 * chain is packed too, and said so in the manifest: evidence of tampering is evidence.
 */
export async function writeEvidencePack(options: EvidencePackOptions): Promise<EvidencePack> {
  const staging = mkdtempSync(join(tmpdir(), "tempgrant-evidence-"));
  try {
    const verification = await verifyLedger(options.ledgerPath);
    copyFileSync(options.ledgerPath, join(staging, "ledger.jsonl"));
    writeFileSync(join(staging, "verify.json"), `${JSON.stringify(verification, null, 2)}\n`);
    // Reports are written from a broken chain too (the manifest says it is broken), unless a
    // line cannot even be read: then the manifest says why there are no reports.
    let reportsMissing: string | null = null;
    try {
      const { windows } = await ledgerWindows(options.ledgerPath);
      const from = options.period.from ?? Math.min(options.period.to - 1, ...windows.map((w) => w.from));
      const report = auditReport(windows, { ...options.period, from });
      writeFileSync(join(staging, "report.html"), auditHtml(report));
      writeFileSync(join(staging, "report.md"), auditMarkdown(report));
      writeFileSync(join(staging, "report.csv"), auditCsv(report));
      writeFileSync(join(staging, "report.json"), auditJson(report));
      const crossCheck: unknown[] = [];
      for (const [index, statePath] of options.statePaths.entries()) {
        const name = `state-${index + 1}-${basename(statePath)}`;
        copyFileSync(statePath, join(staging, name));
        crossCheck.push({ state: name, mismatches: stateMismatches(windows, statePath) });
      }
      if (crossCheck.length > 0) {
        writeFileSync(join(staging, "state-crosscheck.json"), `${JSON.stringify(crossCheck, null, 2)}\n`);
      }
    } catch (error) {
      if (!(error instanceof TempgrantError)) throw error;
      reportsMissing = error.message;
    }
    const files = readdirSync(staging)
      .sort()
      .map((name) => ({ name, sha256: sha256File(join(staging, name)) }));
    writeFileSync(
      join(staging, "MANIFEST.json"),
      `${JSON.stringify(
        {
          tempgrant: "evidence-pack/v1",
          createdAt: formatTimestamp(options.createdAt),
          ledger: options.ledgerPath,
          chain: verification.valid ? "intact" : "BROKEN",
          head: verification.head,
          firstBad: verification.firstBad,
          reportsMissing,
          files,
        },
        null,
        2,
      )}\n`,
    );
    await createTar({ gzip: true, file: options.out, cwd: staging, portable: true }, [
      "MANIFEST.json",
      ...files.map((file) => file.name),
    ]);
    return { out: options.out, verification, files };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
