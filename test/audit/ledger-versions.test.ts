import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendLedgerEvent,
  entryHash,
  eventVersion,
  readLedger,
  verifyLedger,
  type ApplyEvent,
  type LedgerEvent,
  type LedgerFields,
  type SweepEvent,
} from "../../src/audit/ledger/index.js";
import { GRANT_RECORD_MARKER, type GrantRecord } from "../../src/grant/record.js";
import { ledgerMemory } from "../../src/sweep/ownership.js";
import { runCli } from "../support/cli.js";

// Event version 2 on a ledger that version 1 began: the fixture is a ledger written by
// tempgrant before version 2 (fixtures/README.md: an apply of ann and eve, a sweep revoking
// ann, one revoking eve). The mixed ledger keeps its first four lines (the apply and ann's
// sweep) and records eve's sweep again through today's append: version 2, eve's record as
// written. Both ledgers tell the same story; the audit must tell it the same way.
const FIXTURE = join(import.meta.dirname, "fixtures", "ledger-v1.jsonl");
const dir = mkdtempSync(join(tmpdir(), "tempgrant-ledger-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const allV1 = join(dir, "v1", "ledger.jsonl");
const mixed = join(dir, "mixed", "ledger.jsonl");
const v1Lines = readFileSync(FIXTURE, "utf8").trimEnd().split("\n");
const PREFIX = 4;

const audit = (ledger: string, args: string[]) =>
  runCli(["audit", ...args, "--ledger", ledger, "--now", "2030-01-08T00:00:00Z"]);
/** An audit command's output on the all-v1 ledger and the mixed one, each ledger's path made alike. */
async function both(args: string[], files?: (ledger: string) => string) {
  return Promise.all(
    [allV1, mixed].map(async (ledger) => {
      const result = await audit(
        ledger,
        args.map((arg) => (arg === "OUT" ? files!(ledger) : arg)),
      );
      expect(result.exitCode, result.stderr).toBe(0);
      const output = files ? readFileSync(files(ledger), "utf8") : result.stdout;
      return output.replaceAll(ledger, "LEDGER");
    }),
  );
}

beforeAll(async () => {
  for (const path of [allV1, mixed]) mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(allV1, `${v1Lines.join("\n")}\n`);
  writeFileSync(mixed, `${v1Lines.slice(0, PREFIX).join("\n")}\n`);
  const v1 = await readLedger(allV1);
  const eve = (v1[0]!.event as ApplyEvent).grants.find((grant) => grant.record.id === "eve")!.record;
  for (const { event } of v1.slice(PREFIX)) {
    const revoked = event.type === "sweep" ? event.revoked.map((entry) => ({ ...entry, record: eve })) : null;
    await appendLedgerEvent(mixed, (revoked ? { ...event, revoked } : event) as LedgerEvent);
  }
});

describe("a ledger begun in event version 1 and continued in version 2", () => {
  it("holds version-1 lines as they were written, then version-2 lines chained onto them", async () => {
    const lines = readFileSync(mixed, "utf8").trimEnd().split("\n");
    expect(lines.slice(0, PREFIX)).toEqual(v1Lines.slice(0, PREFIX));
    const entries = await readLedger(mixed);
    expect(entries.map((entry) => eventVersion(entry.event))).toEqual([1, 1, 1, 1, 2, 2, 2]);
    expect(entries[PREFIX]!.prev).toBe(entries[PREFIX - 1]!.hash);
    expect(lines[PREFIX]).toMatch(
      /^\{"seq":5,"prev":"[0-9a-f]{64}","at":"[^"]+","event":\{"type":"sweep-started","version":2,/,
    );
  });

  it("verifies across the change, through the library and the CLI", async () => {
    const verification = await verifyLedger(mixed);
    expect([verification.valid, verification.head?.seq]).toEqual([true, 7]);
    const result = await runCli(["audit", "verify", "--ledger", mixed]);
    expect([result.exitCode, result.stderr]).toEqual([0, ""]);
    expect(result.stdout).toContain(`${mixed}: chain intact, 7 entries`);
  });

  it("stores eve's record as written in version 2, where version 1 stored the policy's view", async () => {
    const sweeps = (await readLedger(mixed)).filter((entry) => entry.event.type === "sweep");
    const records = sweeps.map(
      (entry) => (entry.event as SweepEvent).revoked[0]!.record as Record<string, unknown>,
    );
    expect(records.map((record) => [record.id, record.tempgrant, typeof record.expiresAt])).toEqual([
      ["ann", undefined, "number"],
      ["eve", GRANT_RECORD_MARKER, "string"],
    ]);
  });

  it("gives the same audit who and report as the ledger written in version 1 alone", async () => {
    const [whoV1, whoMixed] = await both([
      "who",
      "--target",
      "ledger-db",
      "--from",
      "2030-01-07T00:00:00Z",
      "--json",
    ]);
    const windows = (JSON.parse(whoV1!) as { windows: { id: string; ending: string }[] }).windows;
    expect(windows.map((window) => [window.id, window.ending])).toEqual([
      ["ann", "expired-verified"],
      ["eve", "expired-verified"],
    ]);
    expect(whoMixed).toBe(whoV1);
    const [textV1, textMixed] = await both([
      "who",
      "--principal",
      "eve@example.com",
      "--at",
      "2030-01-07T11:30:00Z",
    ]);
    expect(textV1).toContain("ledger/eve");
    expect(textMixed).toBe(textV1);
    for (const format of ["json", "md", "csv", "html"]) {
      const [reportV1, reportMixed] = await both(
        [
          "report",
          "--from",
          "2030-01-07T00:00:00Z",
          "--to",
          "2030-01-08T00:00:00Z",
          "--format",
          format,
          "--out",
          "OUT",
        ],
        (ledger) => join(ledger, "..", `report.${format}`),
      );
      expect(reportV1).toContain("eve");
      expect(reportMixed, format).toBe(reportV1);
    }
  });

  it("remembers who owned what from a sweep of either version, each record as written", async () => {
    // A ledger whose apply events are gone (begun mid-life): only the sweeps remember owners.
    const sweeps = (await readLedger(mixed)).filter((entry) => entry.event.type === "sweep");
    const memory = ledgerMemory(sweeps, "ledger");
    const owners = ["terraform_data.grant_ann_access", "terraform_data.grant_eve_access"].map(
      (address) => memory.owners.get(address)?.record as Partial<GrantRecord> | undefined,
    );
    expect(
      owners.map((record) => [record?.id, record?.tempgrant, record?.expiresAt, record?.binding]),
    ).toEqual([
      ["ann", GRANT_RECORD_MARKER, "2030-01-07T11:00:00Z", "custom"],
      ["eve", GRANT_RECORD_MARKER, "2030-01-07T12:00:00Z", "custom"],
    ]);
  });

  it("refuses an event of version 3, in one line", async () => {
    const entries = await readLedger(mixed);
    const last = entries.at(-1)!;
    const fields = {
      seq: last.seq + 1,
      prev: last.hash,
      at: last.at,
      event: { ...entries[PREFIX + 1]!.event, version: 3 },
    } as unknown as LedgerFields;
    const v3 = join(dir, "v3.jsonl");
    writeFileSync(
      v3,
      `${readFileSync(mixed, "utf8")}${JSON.stringify({ ...fields, hash: entryHash(fields) })}\n`,
    );
    const why = "event version 3 is not one this tempgrant reads (1, 2): upgrade tempgrant";
    const verify = await runCli(["audit", "verify", "--ledger", v3]);
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toContain(why);
    const who = await audit(v3, ["who", "--target", "ledger-db", "--at", "2030-01-07T11:30:00Z"]);
    expect(who.exitCode).toBe(2);
    expect(who.stderr).toBe(`tempgrant: ${v3}:8: not a ledger entry: ${why}\n`);
  });
});
