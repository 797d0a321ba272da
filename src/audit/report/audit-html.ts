import { formatTimestamp } from "../../grant/time.js";
import type { AccessWindow } from "../access-windows.js";
import { humanDuration, isLate, isOverdue, type AuditReport } from "./audit-period.js";
import { askedNotVerified, verifiedApprovers } from "./approval-text.js";

/**
 * The auditor's report as one self-contained HTML file: inline CSS, no script, no external
 * resource, so it opens offline and can be archived as evidence. Every value from the
 * ledger is escaped.
 */
export function auditHtml(report: AuditReport): string {
  const { period, summary } = report;
  const span = Math.max(1, period.to - period.from);
  const position = (instant: number) => Math.min(100, Math.max(0, ((instant - period.from) / span) * 100));
  const lanes = new Map<string, { principal: string; target: string; windows: AccessWindow[] }>();
  for (const window of report.windows) {
    const key = JSON.stringify([window.principal, window.target]);
    const lane = lanes.get(key) ?? { principal: window.principal, target: window.target, windows: [] };
    lanes.set(key, { ...lane, windows: [...lane.windows, window] });
  }
  const flagsOf = (window: AccessWindow) =>
    [
      window.breakGlass ? "break-glass" : "",
      isLate(window, period) ? "late" : "",
      isOverdue(window, period) ? "overdue" : "",
    ].filter(Boolean);
  const bar = (window: AccessWindow) => {
    const end = window.endedAt ?? period.to;
    const granted = Math.min(window.expiresAt, end);
    const classes = ["bar", window.ending, ...flagsOf(window)].join(" ");
    const title = `${window.id}: ${formatTimestamp(window.from)} to ${window.endedAt === null ? "open" : formatTimestamp(window.endedAt)} (${window.ending})`;
    const main = `<div class="${classes}" data-window="${escape(window.id)}" title="${escape(title)}" style="left:${position(window.from).toFixed(3)}%;width:${Math.max(0.3, position(granted) - position(window.from)).toFixed(3)}%">${escape(window.id)}</div>`;
    // The time a grant stayed in place after its expiry, drawn apart so lateness is visible.
    const overrun =
      end > window.expiresAt
        ? `<div class="overrun" title="${escape(`${humanDuration(end - window.expiresAt)} past expiry`)}" style="left:${position(window.expiresAt).toFixed(3)}%;width:${Math.max(0.3, position(end) - position(window.expiresAt)).toFixed(3)}%"></div>`
        : "";
    return main + overrun;
  };
  // A lane's label is whole: principal and target each on one line, never cut.
  const timeline = [...lanes.values()]
    .sort((a, b) => a.principal.localeCompare(b.principal) || a.target.localeCompare(b.target))
    .map(
      (lane) =>
        `<div class="lane"><div class="label">${token(lane.principal)} → ${token(lane.target)}</div><div class="track">${lane.windows.map(bar).join("")}</div></div>`,
    )
    .join("\n");
  const rows = report.windows
    .map((window) => {
      const flags = flagsOf(window);
      // Ids, names, tickets, instants and durations are tokens: a line never breaks inside one.
      const cells = [
        token(window.id),
        token(window.stack),
        token(window.principal),
        token(window.target),
        token(window.access),
        token(window.requestedBy),
        // Who verifiably approved the exact content in force, and that content's digest.
        window.digest === null
          ? escape(askedNotVerified(window))
          : `${verifiedApprovers(window).map(token).join(", ") || "none"}<br>over ${token(window.digest)}`,
        token(window.ticket ?? ""),
        escape(window.reason),
        token(formatTimestamp(window.from)),
        token(formatTimestamp(window.expiresAt)),
        window.endedAt === null ? "open" : token(formatTimestamp(window.endedAt)),
        token(window.ending),
        token(humanDuration(window.revocationLagSeconds)),
        flags.map(token).join(", "),
      ];
      return `<tr data-window-id="${escape(window.id)}" class="${flags.join(" ")}">${cells.map((cell) => `<td>${cell}</td>`).join("")}</tr>`;
    })
    .join("\n");
  const figure = (label: string, value: string | number, flag = false) =>
    `<div class="figure${flag ? " flagged" : ""}"><div class="value">${escape(String(value))}</div><div class="name">${escape(label)}</div></div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tempgrant access report ${formatTimestamp(period.from)} to ${formatTimestamp(period.to)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
.period { color: #57606a; margin-bottom: 16px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 20px; }
.figure { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.figure .value { font-size: 22px; font-weight: 600; }
.figure .name { color: #57606a; font-size: 12px; }
.figure.flagged { border-color: #cf222e; background: #ffebe9; }
.token { white-space: nowrap; }
/* The track column is never narrower than its axis, so the axis never runs past it. */
.timeline { display: grid; grid-template-columns: minmax(min-content, max-content) minmax(min-content, 1fr); }
@media (max-width: 720px) { .axis span:nth-child(2) { display: none; } }
.lane { display: contents; }
.axis { grid-column: 2; display: flex; justify-content: space-between; gap: 8px; color: #57606a; font-size: 12px; }
.label, .track { border-top: 1px solid #eaeef2; }
.label { padding: 4px 8px 4px 0; align-self: stretch; }
.track { position: relative; min-height: 24px; background: #f6f8fa; }
.windows { overflow-x: auto; }
.empty { grid-column: 1 / -1; }
.bar { position: absolute; top: 3px; height: 18px; border-radius: 3px; background: #2da44e; color: #fff; font-size: 11px; overflow: hidden; white-space: nowrap; padding-left: 3px; box-sizing: border-box; }
.bar.open { background: #0969da; }
.bar.removed-early { background: #8c959f; }
.bar.expired-unverified { background: #bf8700; }
.bar.break-glass { background: #cf222e; outline: 2px solid #82071e; }
.bar.overdue { outline: 2px dashed #bc4c00; }
.overrun { position: absolute; top: 8px; height: 8px; background: repeating-linear-gradient(45deg, #fb8f44, #fb8f44 4px, #fff1e5 4px, #fff1e5 8px); }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: middle; margin-right: 4px; }
table { border-collapse: collapse; margin-top: 24px; width: 100%; font-size: 12px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr.break-glass td { background: #ffebe9; }
tr.late td, tr.overdue td { background: #fff1e5; }
</style>
</head>
<body>
<h1>tempgrant access report</h1>
<div class="period">${token(formatTimestamp(period.from))} to ${token(formatTimestamp(period.to))}; a revocation ${humanDuration(period.lateAfterSeconds)} or more after expiry counts as late.</div>
<div class="figures">
${figure("grants", summary.grants)}
${figure("principals", summary.principals)}
${figure("break-glass", summary.breakGlass, summary.breakGlass > 0)}
${figure("late revocations", summary.lateRevocations, summary.lateRevocations > 0)}
${figure("past expiry, not revoked", summary.overdue, summary.overdue > 0)}
${figure("unverified revocations", summary.unverified, summary.unverified > 0)}
${figure("still open", summary.open)}
${figure("median duration", humanDuration(summary.medianDurationSeconds))}
${figure("max duration", humanDuration(summary.maxDurationSeconds))}
${figure("median revocation lag", humanDuration(summary.medianRevocationLagSeconds))}
${figure("max revocation lag", humanDuration(summary.maxRevocationLagSeconds))}
</div>
<div class="legend"><span><i style="background:#2da44e"></i>expired, revoked, verified</span><span><i style="background:#0969da"></i>open</span><span><i style="background:#8c959f"></i>removed early</span><span><i style="background:#bf8700"></i>revocation not verified</span><span><i style="background:#cf222e"></i>break-glass</span><span><i style="background:#fb8f44"></i>past expiry</span></div>
<h2>Timeline</h2>
<div class="timeline">
<div class="axis"><span class="token">${formatTimestamp(period.from)}</span><span class="token">${formatTimestamp(period.from + Math.floor(span / 2))}</span><span class="token">${formatTimestamp(period.to)}</span></div>
${timeline || '<p class="empty">No access in this period.</p>'}
</div>
<h2>Access windows</h2>
<div class="windows">
<table>
<thead><tr><th>grant</th><th>stack</th><th>principal</th><th>target</th><th>access</th><th>requested by</th><th>approved by</th><th>ticket</th><th>reason</th><th>from</th><th>expires</th><th>ended</th><th>how it ended</th><th>revocation lag</th><th>flags</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
</body>
</html>
`;
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text that must stay on one line (an id, a name, an instant), escaped. */
function token(text: string): string {
  return `<span class="token">${escape(text)}</span>`;
}

/** Escapes text for HTML element content and attribute values. */
function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}
