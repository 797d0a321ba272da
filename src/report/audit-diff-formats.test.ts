import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffSnapshots } from "../audit/diff/compare.js";
import type { Snapshot, SnapshotResource } from "../audit/diff/snapshot.js";
import { auditedRecord } from "../../test/support/grant-record.js";
import { grantRecordAttributes } from "../grant/record.js";
import { AUDIT_DIFF_FORMATS } from "./audit-diff-formats.js";

// Every audit diff format against its golden file, on one diff that holds each kind of change.
const record = (id: string, input: Record<string, unknown> = {}): SnapshotResource => ({
  address: `tempgrant_grant.grant_${id}`,
  type: "tempgrant_grant",
  values: {
    id,
    starts_at: null,
    ...grantRecordAttributes(auditedRecord(id, input)),
  },
});
const role = (id: string, values: Record<string, unknown> = {}): SnapshotResource => ({
  address: `postgresql_role.grant_${id}`,
  type: "postgresql_role",
  values: { name: id, login: true, ...values },
});

const before: Snapshot = {
  source: "states/before.json",
  kind: "state",
  resources: [
    record("alice"),
    role("alice"),
    record("bob"),
    role("bob"),
    record("carol", { expiresAt: "2027-01-11T18:00:00Z" }),
    role("carol"),
    record("erin", { access: "read" }),
    role("erin"),
    record("frank"),
    role("frank"),
    record("gina"),
    role("gina"),
    role("legacy"),
  ],
};
const after: Snapshot = {
  source: "states/after.tfstate",
  kind: "raw-state",
  serial: 12,
  resources: [
    record("bob", { expiresAt: "2027-01-11T15:00:00Z" }),
    role("bob"),
    record("carol", { expiresAt: "2027-01-11T14:00:00Z" }),
    role("carol"),
    record("dave", {
      startsAt: "2027-01-11T10:00:00Z",
      breakGlass: true,
      reason: 'INC-981 | "stuck", refunds',
      ticket: "=HYPERLINK(1)",
    }),
    role("dave"),
    record("erin", { access: "admin", expiresAt: "2027-01-12T12:00:00Z" }),
    role("erin"),
    record("frank", { approvedBy: ["dan@example.com"], ticket: "OPS-2" }),
    role("frank"),
    role("gina"),
    role("legacy", { superuser: true }),
    role("backdoor"),
  ],
};
const diff = diffSnapshots(before, after);
const empty = diffSnapshots(before, before);

describe("audit diff output formats", () => {
  it("covers every kind of change", () => {
    expect(diff.grants.map((grant) => [grant.id, grant.kinds.join("+")])).toEqual([
      ["dave", "added"],
      ["alice", "removed"],
      ["gina", "removed"],
      ["bob", "extended"],
      ["carol", "narrowed"],
      ["erin", "widened+extended"],
      ["frank", "metadata"],
    ]);
    expect(diff.unmanaged.map((change) => [change.address, change.action])).toEqual([
      ["postgresql_role.grant_backdoor", "added"],
      ["postgresql_role.grant_gina", "orphaned"],
      ["postgresql_role.grant_legacy", "changed"],
    ]);
  });

  it.each(Object.keys(AUDIT_DIFF_FORMATS))("%s matches its golden file", async (name) => {
    const render = AUDIT_DIFF_FORMATS[name as keyof typeof AUDIT_DIFF_FORMATS];
    await expect(render(diff)).toMatchFileSnapshot(join("golden", `audit-diff.${name}`));
    await expect(render(empty)).toMatchFileSnapshot(join("golden", `audit-diff-empty.${name}`));
  });

  it("writes CSV that reads back to one row per grant and per flagged resource, formulas defused", () => {
    const rows = readCsv(AUDIT_DIFF_FORMATS.csv(diff));
    expect(rows.map((row) => [row.row, row.change, row.grant || row.address])).toEqual([
      ["grant", "added", "dave"],
      ["grant", "removed", "alice"],
      ["grant", "removed", "gina"],
      ["grant", "extended", "bob"],
      ["grant", "narrowed", "carol"],
      ["grant", "widened;extended", "erin"],
      ["grant", "metadata", "frank"],
      ["unmanaged", "added", "postgresql_role.grant_backdoor"],
      ["unmanaged", "orphaned", "gina"],
      ["unmanaged", "changed", "postgresql_role.grant_legacy"],
    ]);
    expect(rows[0]).toMatchObject({
      reason: 'INC-981 | "stuck", refunds',
      ticket: "'=HYPERLINK(1)",
      breakGlass: "yes",
    });
  });

  it("writes JSON with the counts and both records of each grant", () => {
    const json = JSON.parse(AUDIT_DIFF_FORMATS.json(diff)) as {
      summary: Record<string, number>;
      grants: { id: string; before: unknown; after: unknown }[];
    };
    expect(json.summary).toEqual({
      added: 1,
      removed: 2,
      extended: 2,
      narrowed: 1,
      widened: 1,
      metadata: 1,
      unchanged: 0,
      unmanaged: 3,
    });
    expect(json.grants.find((grant) => grant.id === "bob")).toMatchObject({
      before: { expiresAt: "2027-01-11T12:00:00Z" },
      after: { expiresAt: "2027-01-11T15:00:00Z" },
    });
  });
});

/** RFC 4180 read back by hand (no CSV parser is a dependency): quoted fields, doubled quotes, CRLF or LF. */
function readCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (!quoted && char === ",") {
      row.push(field);
      field = "";
    } else if (!quoted && char === "\n") {
      records.push([...row, field]);
      row = [];
      field = "";
    } else if (quoted || char !== "\r") {
      field += char;
    }
  }
  const [header = [], ...rows] = records;
  return rows.map((values) => Object.fromEntries(header.map((name, index) => [name, values[index] ?? ""])));
}
