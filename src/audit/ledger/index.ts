/**
 * The tamper-evident ledger: hash-chained JSON lines, appended under a file lock. The
 * format is in docs/audit.md.
 */
export { appendLedgerEvent, type AppendOptions } from "./append.js";
export { appliedGrants } from "./applied-grants.js";
export {
  GENESIS_PREV,
  LEDGER_EVENT_TYPES,
  LEDGER_EVENT_VERSION,
  LEDGER_EVENT_VERSIONS_READ,
  eventVersion,
  parseLedgerLine,
  type AppliedGrant,
  type ApplyEvent,
  type FailureEvent,
  type LedgerEntry,
  type LedgerEvent,
  type LedgerEventVersion,
  type LedgerFields,
  type PendingChange,
  type RecoveredEvent,
  type RevokedGrantEntry,
  type SweepDegradation,
  type SweepEvent,
  type SweepPhasesEntry,
  type TargetCheckEntry,
  type VerificationEvent,
} from "./entry.js";
export { entryHash } from "./entry-hash.js";
export { checkLedgerHead, failureEvent, openLedgerRecorder, type LedgerRecorder } from "./recorder.js";
export { LEDGER_LOCK } from "./lock.js";
export { resolveLedgerPath, type LedgerLocationSources } from "./location.js";
export { MAX_LEDGER_LINE_BYTES, parseStrictLedgerLine } from "./lines.js";
export { readLedger } from "./read.js";
export { revokedRecord } from "./sweep-records.js";
export { readLedgerHead } from "./tail.js";
export {
  verifyLedger,
  type BadLine,
  type HeadCheck,
  type LedgerFault,
  type LedgerHead,
  type LedgerVerification,
} from "./verify.js";
