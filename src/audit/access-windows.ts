import { isGrantRecord, type GrantRecord } from "../grant/record.js";
import { epochSecondsOrNull } from "../grant/time.js";
import type { RecordedGrant } from "./diff/grant-records.js";

/** The part of a ledger line this module reads: its sequence number and its event. */
export interface LedgerEventLine {
  readonly seq: number;
  readonly event: { readonly type: string };
}

/** How an access window ended, or that it has not. */
export type WindowEnding =
  /** A sweep revoked it at or after its expiry and a re-plan verified the revocation. */
  | "expired-verified"
  /** A sweep revoked it at or after its expiry, but the verification failed. */
  | "expired-unverified"
  /** Revoked before its expiry: removed from the code, or replaced, then applied or swept. */
  | "removed-early"
  /** No revocation is in the ledger yet. */
  | "open";

/** One grant's access, from the apply that created it to the run that revoked it: the record's fields as the audit reads them, and the window. */
export type AccessWindow = Pick<
  RecordedGrant,
  "id" | "principal" | "target" | "access" | "reason" | "ticket" | "requestedBy" | "approvedBy" | "breakGlass"
> & {
  readonly stack: string;
  /**
   * The grant digest the apply recorded for the content in force, and who verifiably
   * approved that digest (signature or review), as the ledger recorded them; null and empty
   * for events written before approvals were evidence.
   */
  readonly digest: string | null;
  readonly approvals: readonly { readonly person: string; readonly kind: string }[];
  /** When access began (epoch seconds): the apply's clock, or the grant's start if later. */
  readonly from: number;
  /** The expiry in force at the end (after any extension). */
  readonly expiresAt: number;
  /** Times the expiry was moved by an update. */
  readonly extensions: number;
  /** When the revocation ran (epoch seconds); null while open. */
  readonly endedAt: number | null;
  readonly ending: WindowEnding;
  /** endedAt - expiresAt for an expired grant: how long it outlived its expiry. */
  readonly revocationLagSeconds: number | null;
  /** Ledger sequence numbers of the events that opened, changed and closed the window. */
  readonly seqs: readonly number[];
};

interface OpenWindow {
  stack: string;
  record: GrantRecord;
  digest: string | null;
  approvals: { person: string; kind: string }[];
  from: number;
  extensions: number;
  seqs: number[];
}

/**
 * Rebuilds every access window from the ledger: apply events open, extend and close
 * windows; sweep events close them, verification events confirm the close; recovered events
 * close those whose revocation went unrecorded. Events are read
 * in ledger order, and each carries its own run clock (`now`), so `--now` runs read right.
 */
export function accessWindows(lines: readonly LedgerEventLine[]): AccessWindow[] {
  const open = new Map<string, OpenWindow>();
  const closed: AccessWindow[] = [];
  const key = (stack: string, id: string) => `${stack}\u0000${id}`;
  const close = (stack: string, id: string, at: number, seq: number, verified: boolean) => {
    const window = open.get(key(stack, id));
    if (!window) return;
    open.delete(key(stack, id));
    closed.push(finish(window, at, [...window.seqs, seq], verified));
  };

  for (const line of lines) {
    const { seq } = line;
    // Read defensively: every field is checked before use, whatever version wrote the event.
    const event = line.event as { readonly type: string } & Readonly<Record<string, unknown>>;
    const stack = typeof event.stack === "string" ? event.stack : "";
    const now = epochSecondsOrNull(event.now);
    if (now === null) continue;
    if (event.type === "apply") {
      for (const change of arrayOf(event.grants)) {
        const { action, record, digest, approvals } = change as {
          action?: unknown;
          record?: unknown;
          digest?: unknown;
          approvals?: unknown;
        };
        if (!isGrantRecord(record)) continue;
        const approved = {
          digest: typeof digest === "string" ? digest : null,
          approvals: arrayOf(approvals).flatMap((item) => {
            const { person, kind } = (item ?? {}) as { person?: unknown; kind?: unknown };
            return typeof person === "string" && typeof kind === "string" ? [{ person, kind }] : [];
          }),
        };
        const existing = open.get(key(stack, record.id));
        if (action === "delete") {
          close(stack, record.id, now, seq, true);
        } else if (existing && (action === "update" || action === "replace")) {
          if (record.expiresAt !== existing.record.expiresAt) existing.extensions += 1;
          existing.record = record;
          Object.assign(existing, approved);
          existing.seqs.push(seq);
        } else if (action === "create" || action === "replace" || action === "update") {
          const starts = epochSecondsOrNull(record.startsAt);
          open.set(key(stack, record.id), {
            stack,
            record,
            ...approved,
            from: starts !== null && starts > now ? starts : now,
            extensions: 0,
            seqs: [seq],
          });
        }
      }
    } else if (event.type === "sweep") {
      const verified = event.verified === true;
      for (const revoked of arrayOf(event.revoked)) {
        const { id } = revoked as { id?: unknown };
        if (typeof id === "string") close(stack, id, now, seq, verified);
      }
    } else if (event.type === "recovered") {
      // A revocation an earlier sweep could not record: the state showed it gone at `now`, so
      // the window closes there (the access ended at or before it; the sweep that ended it is
      // not in the ledger). Seen in the state, so verified.
      for (const id of arrayOf(event.grants)) {
        if (typeof id === "string") close(stack, id, now, seq, true);
      }
    }
  }
  const stillOpen = [...open.values()].map((window) => finish(window, null, window.seqs, false));
  return [...closed, ...stillOpen].sort(
    (a, b) => a.from - b.from || a.principal.localeCompare(b.principal) || a.id.localeCompare(b.id),
  );
}

function finish(
  window: OpenWindow,
  endedAt: number | null,
  seqs: readonly number[],
  verified: boolean,
): AccessWindow {
  const { record } = window;
  const expiresAt = epochSecondsOrNull(record.expiresAt) ?? window.from;
  let ending: WindowEnding = "open";
  if (endedAt !== null) {
    if (endedAt < expiresAt) ending = "removed-early";
    else ending = verified ? "expired-verified" : "expired-unverified";
  }
  return {
    stack: window.stack,
    id: record.id,
    principal: record.principal,
    target: record.target,
    access: record.access,
    reason: record.reason,
    ticket: record.ticket ?? null,
    requestedBy: record.requestedBy,
    approvedBy: record.approvedBy,
    digest: window.digest,
    approvals: window.approvals,
    breakGlass: record.breakGlass,
    from: window.from,
    expiresAt,
    extensions: window.extensions,
    endedAt,
    ending,
    revocationLagSeconds: endedAt !== null && endedAt >= expiresAt ? endedAt - expiresAt : null,
    seqs,
  };
}

/** Whether a window gave access at an instant: from its start until its revocation (or now). */
export function activeAt(window: AccessWindow, instant: number): boolean {
  return window.from <= instant && (window.endedAt === null || instant < window.endedAt);
}

/** Whether a window overlaps [from, to). */
export function overlaps(window: AccessWindow, from: number, to: number): boolean {
  return window.from < to && (window.endedAt === null || window.endedAt > from);
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
