import { quoteValue } from "../errors.js";
import { nameProblems } from "../grant/identity.js";
import { InvalidInputError, type Problem } from "../grant/problem.js";
import { parseSshPublicKey, type SshPublicKey } from "./ssh-public-key.js";
import { SshWireError } from "./ssh-wire.js";

/**
 * An allowed-signers file, in OpenSSH's format (ssh-keygen(1), "ALLOWED SIGNERS"): one key a
 * line, `principals [options] keytype base64 [comment]`. Each principal is a person, named as
 * grants name people (the identity rules of src/grant/identity.ts apply: aliases, look-alikes).
 *
 * Options: `namespaces="a,b"`, `valid-after="..."`, `valid-before="..."`. Where tempgrant is
 * stricter than OpenSSH, it says so instead of guessing:
 * - `cert-authority` is refused: tempgrant verifies plain keys only, not certificates.
 * - a principal must name one person: patterns (`*`, `?`) are refused.
 * - times must be UTC, written with a trailing `Z` (YYYYMMDD[HHMM[SS]]Z); OpenSSH reads a time
 *   without `Z` in the verifier's local zone, which would differ between machines.
 * - namespaces are compared exactly (no patterns).
 */
export interface AllowedSigner {
  /** The persons this key signs for. */
  readonly principals: readonly string[];
  readonly key: SshPublicKey;
  /** Namespaces the key may sign in; undefined: any. */
  readonly namespaces?: readonly string[];
  /** Epoch seconds; the key counts from then on. */
  readonly validAfter?: number;
  /** Epoch seconds; the key counts until then. */
  readonly validBefore?: number;
  /** `file:line`, for messages. */
  readonly source: string;
}

/** A parsed allowed-signers file, with its keys indexed by their blob. */
export class AllowedSigners {
  private readonly byKey = new Map<string, AllowedSigner[]>();

  constructor(
    /** Where the file is, for messages. */
    readonly source: string,
    readonly signers: readonly AllowedSigner[],
  ) {
    for (const signer of signers) {
      const id = signer.key.blob.toString("base64");
      (this.byKey.get(id) ?? this.byKey.set(id, []).get(id)!).push(signer);
    }
  }

  /** The lines that list a key. */
  linesOf(key: SshPublicKey): readonly AllowedSigner[] {
    return this.byKey.get(key.blob.toString("base64")) ?? [];
  }
}

const KNOWN_OPTIONS = new Set(["cert-authority", "namespaces", "valid-after", "valid-before"]);
const KEY_TYPE = /^(ssh-|ecdsa-|sk-|[a-z0-9-]+@openssh\.com$)/;

/** Parses an allowed-signers file; every problem is collected and thrown as one InvalidInputError. */
export function parseAllowedSigners(text: string, source: string): AllowedSigners {
  const signers: AllowedSigner[] = [];
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const at = `line ${index + 1}`;
    try {
      signers.push(parseLine(line, `${source}:${index + 1}`));
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      problems.push({ path: at, code: "ALLOWED_SIGNERS_INVALID", message: error.message });
    }
  });
  if (problems.length > 0) throw new InvalidInputError(source, problems);
  return new AllowedSigners(source, signers);
}

class LineError extends Error {}

function parseLine(line: string, source: string): AllowedSigner {
  const fields = splitFields(line);
  const [principalField, second] = fields;
  if (principalField === undefined || second === undefined)
    throw new LineError("expected principals and a key");
  let rest = fields.slice(1);
  let options: Record<string, string | true> = {};
  if (!KEY_TYPE.test(second)) {
    options = parseOptions(second);
    rest = fields.slice(2);
  }
  const [type, base64] = rest;
  if (type === undefined || base64 === undefined)
    throw new LineError("expected a key type and its base64 key");
  if (options["cert-authority"] !== undefined)
    throw new LineError("cert-authority is not supported: list each approver's own key");
  const principals = unquote(principalField).split(",");
  for (const principal of principals) {
    if (/[*?]/.test(principal))
      throw new LineError(`principal ${quoteValue(principal)} is a pattern: name one person per principal`);
    const problem = nameProblems("principal", principal)[0];
    if (problem) throw new LineError(problem.message);
  }
  let key: SshPublicKey;
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new SshWireError("the key is not base64");
    key = parseSshPublicKey(Buffer.from(base64, "base64"));
  } catch (error) {
    if (error instanceof SshWireError) throw new LineError(`key: ${error.message}`);
    throw error;
  }
  if (key.type !== type) throw new LineError(`the key is ${key.type}, but the line says ${type}`);
  const namespaces = options.namespaces;
  if (namespaces === true) throw new LineError("namespaces needs a value");
  if (namespaces !== undefined && /[*?]/.test(namespaces))
    throw new LineError("namespaces: patterns are not supported; list each namespace");
  const validAfter = timeOption(options, "valid-after");
  const validBefore = timeOption(options, "valid-before");
  return {
    principals,
    key,
    ...(namespaces !== undefined ? { namespaces: namespaces.split(",").map((name) => name.trim()) } : {}),
    ...(validAfter !== undefined ? { validAfter } : {}),
    ...(validBefore !== undefined ? { validBefore } : {}),
    source,
  };
}

/** Splits on blanks outside double quotes. */
function splitFields(line: string): string[] {
  return line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

function unquote(text: string): string {
  return text.replace(/"/g, "");
}

/** `namespaces="a,b",valid-after="20270101Z"` -> its options; unknown options are refused. */
function parseOptions(field: string): Record<string, string | true> {
  const options: Record<string, string | true> = {};
  for (const part of field.match(/(?:[^,"]+|"[^"]*")+/g) ?? []) {
    const eq = part.indexOf("=");
    const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    if (!KNOWN_OPTIONS.has(name)) throw new LineError(`unknown option ${quoteValue(name)}`);
    options[name] = eq < 0 ? true : unquote(part.slice(eq + 1));
  }
  return options;
}

/** A `valid-after`/`valid-before` value as epoch seconds: YYYYMMDD[HHMM[SS]] followed by Z. */
function timeOption(options: Record<string, string | true>, name: string): number | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  const match =
    typeof value === "string" ? /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/.exec(value) : null;
  if (!match) throw new LineError(`${name} ${quoteValue(value)}: write YYYYMMDD[HHMM[SS]]Z`);
  if (match[7] !== "Z")
    throw new LineError(
      `${name} ${quoteValue(value)} has no zone: append Z (tempgrant reads these times in UTC only)`,
    );
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const date = new Date(ms);
  if (
    date.getUTCMonth() !== month! - 1 ||
    date.getUTCDate() !== day! ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59
  )
    throw new LineError(`${name} ${quoteValue(value)} is not a real time`);
  return ms / 1000;
}
