import Table from "cli-table3";
import { createColors } from "picocolors";
import { grantDigest } from "../approval/digest.js";
import { formatDuration, formatTimestamp, type GrantListing } from "../grant/index.js";

/** Renders a listing as a table for people; coloured only when asked. */
export function grantsTable(
  rows: readonly GrantListing[],
  now: number,
  options: { colour?: boolean } = {},
): string {
  const pc = createColors(options.colour ?? false);
  const STATUS_COLOUR = { active: pc.green, pending: pc.cyan, expired: pc.dim } as const;
  if (rows.length === 0) return `no grants match at ${formatTimestamp(now)}\n`;
  const table = new Table({
    head: ["id", "principal", "target", "access", "status", "starts", "expires", "left", "source"],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    const { grant } = row;
    table.push([
      grant.breakGlass ? `${grant.id} ${pc.red("(break-glass)")}` : grant.id,
      grant.principal,
      grant.target,
      grant.access,
      STATUS_COLOUR[row.status](row.status),
      grant.startsAt === undefined ? "-" : formatTimestamp(grant.startsAt),
      formatTimestamp(grant.expiresAt),
      row.withinMargin
        ? `${formatDuration(row.remainingSeconds)}, in the revocation margin: revoked`
        : row.status === "expired"
          ? "-"
          : formatDuration(row.remainingSeconds),
      row.source,
    ]);
  }
  // Digests below the table, whole: approvers compare them character for character.
  const digests = rows.map((row) => `${row.grant.id}  ${grantDigest(row.grant)}\n`).join("");
  return `${table.toString()}\n${rows.length} grant(s) at ${formatTimestamp(now)}\n\ndigests:\n${digests}`;
}

/** Renders a listing as JSON for machines: timestamps in RFC 3339 UTC and epoch seconds. */
export function grantsJson(rows: readonly GrantListing[], now: number): string {
  return `${JSON.stringify(
    {
      now: formatTimestamp(now),
      grants: rows.map(({ grant, status, remainingSeconds, withinMargin, source }) => ({
        id: grant.id,
        principal: grant.principal,
        target: grant.target,
        access: grant.access,
        status,
        startsAt: grant.startsAt === undefined ? null : formatTimestamp(grant.startsAt),
        expiresAt: formatTimestamp(grant.expiresAt),
        remainingSeconds,
        withinMargin,
        reason: grant.reason,
        ticket: grant.ticket ?? null,
        requestedBy: grant.requestedBy,
        approvedBy: grant.approvedBy,
        breakGlass: grant.breakGlass,
        digest: grantDigest(grant),
        source,
      })),
    },
    null,
    2,
  )}\n`;
}
