import Table from "cli-table3";
import { formatTimestamp } from "../../grant/time.js";
import type { AccessWindow } from "../access-windows.js";
import { humanDuration } from "./audit-period.js";
import { askedNotVerified, verifiedApprovers } from "./approval-text.js";

/** The access windows as a terminal table: who, on what, approved by whom, and how it ended. */
export function whoTable(windows: readonly AccessWindow[]): string {
  const table = new Table({
    head: [
      "grant",
      "principal",
      "target",
      "access",
      "requested by",
      "approved by",
      "ticket",
      "from",
      "ended",
      "how",
    ],
    style: { head: [], border: [] },
  });
  for (const window of windows) {
    const ended =
      window.endedAt === null
        ? `open (expires ${formatTimestamp(window.expiresAt)})`
        : formatTimestamp(window.endedAt);
    const how = [
      window.ending,
      window.revocationLagSeconds !== null
        ? `${humanDuration(window.revocationLagSeconds)} after expiry`
        : "",
      window.breakGlass ? "BREAK-GLASS" : "",
      window.extensions > 0 ? `extended ${window.extensions}x` : "",
    ]
      .filter(Boolean)
      .join(", ");
    table.push([
      `${window.stack}/${window.id}`,
      window.principal,
      window.target,
      window.access,
      window.requestedBy,
      approvedCell(window),
      window.ticket ?? "",
      formatTimestamp(window.from),
      ended,
      how,
    ]);
  }
  return table.toString();
}

/**
 * Who verifiably approved the content in force (with how, and the digest they approved);
 * for events from before approvals were evidence, the names the grant asked for, marked so.
 */
function approvedCell(window: AccessWindow): string {
  if (window.digest === null) return askedNotVerified(window);
  return `${verifiedApprovers(window).join(", ") || "none"}\nover ${window.digest}`;
}
