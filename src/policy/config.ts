import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ValidateFunction } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import { parseDuration } from "../grant/duration.js";
import { yamlValue } from "../grant/yaml-value.js";
import { quoteValue } from "../errors.js";
import { aliasChains } from "../grant/identity.js";
import { InvalidInputError, type Problem } from "../grant/problem.js";
import { DEFAULT_PRIVILEGED_TYPES } from "../plan/privileged-types.js";
import validateConfigFile from "./config-validator.generated.js";
import schema from "./config.schema.json" with { type: "json" };

/** The published JSON Schema of tempgrant.yaml. */
export const CONFIG_SCHEMA = schema;

/** tempgrant.yaml as written (durations as text). */
export interface ConfigFile {
  readonly maxDuration?: {
    readonly default?: string;
    readonly byAccess?: Readonly<Record<string, string>>;
    readonly byTarget?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  };
  readonly reason?: { readonly minLength?: number };
  readonly ticketPattern?: string;
  readonly approvals?: {
    readonly required?: number;
    readonly allowed?: readonly string[];
    readonly aliases?: Readonly<Record<string, string>>;
    readonly allowedSigners?: string;
    readonly signatures?: string;
    readonly githubAccounts?: Readonly<Record<string, string>>;
  };
  readonly breakGlass?: { readonly maxDuration?: string };
  readonly scope?: { readonly forbiddenRoles?: readonly string[]; readonly allow?: readonly string[] };
  readonly privilegedTypes?: readonly string[];
  readonly revocationMargin?: string;
  /** Where the ledger is, relative to this file's folder. */
  readonly ledger?: string;
}

/** The configuration the policies read (data.tempgrant.config): every default filled, durations in seconds. */
export interface PolicyConfig {
  readonly maxDurationSeconds: {
    readonly default: number;
    readonly byAccess: Readonly<Record<string, number>>;
    readonly byTarget: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
  readonly reason: { readonly minLength: number };
  readonly ticketPattern: string;
  readonly approvals: {
    readonly required: number;
    readonly allowed: readonly string[];
    readonly aliases: Readonly<Record<string, string>>;
  };
  readonly breakGlass: { readonly maxDurationSeconds: number };
  readonly scope: { readonly forbiddenRoles: readonly string[]; readonly allow: readonly string[] };
}

/** Everything a check needs from the configuration. */
export interface CheckConfig {
  readonly policy: PolicyConfig;
  readonly privilegedTypes: readonly string[];
  readonly revocationMarginSeconds: number;
  /** The ledger's absolute path when tempgrant.yaml sets `ledger:`; see resolveLedgerPath. */
  readonly ledger?: string;
  /** Where approval evidence is read from (paths absolute, resolved against tempgrant.yaml's folder). */
  readonly evidence: EvidenceConfig;
}

/** approvals.allowedSigners, approvals.signatures and approvals.githubAccounts, resolved. */
export interface EvidenceConfig {
  /** The allowed-signers file; undefined when tempgrant.yaml names none (no signature then verifies). */
  readonly allowedSigners?: string;
  /** The folder of signed approvals when tempgrant.yaml sets one; otherwise `<project>/approvals`. */
  readonly signatures?: string;
  readonly githubAccounts: Readonly<Record<string, string>>;
}

/** The defaults, as a commented tempgrant.yaml would state them. */
export const DEFAULT_CONFIG: Required<Omit<ConfigFile, "privilegedTypes" | "ledger">> = {
  maxDuration: { default: "24h", byAccess: { read: "7d", write: "24h", admin: "2h" }, byTarget: {} },
  reason: { minLength: 10 },
  ticketPattern: "^[A-Z][A-Z0-9]+-[0-9]+$",
  approvals: {
    required: 1,
    allowed: [],
    aliases: {},
    allowedSigners: "allowed_signers",
    signatures: "approvals",
    githubAccounts: {},
  },
  breakGlass: { maxDuration: "4h" },
  scope: {
    forbiddenRoles: [
      "roles/owner",
      "roles/editor",
      "cluster-admin",
      "admin",
      // PostgreSQL: the superuser, the roles that run programs or read and write files as the
      // server's OS user, and the managed services' superuser roles. (pg_read_all_data and
      // pg_write_all_data are what a temporary read or write grant on a database is for.)
      "postgres",
      "pg_execute_server_program",
      "pg_read_server_files",
      "pg_write_server_files",
      "rds_superuser",
      "cloudsqlsuperuser",
      "alloydbsuperuser",
      "azure_pg_admin",
    ],
    allow: [],
  },
  revocationMargin: "0s",
};

/** The schema's validator, generated from it ahead of time (see config-validator-source.ts). */
const validateShape = validateConfigFile as unknown as ValidateFunction;

/** Parses and validates tempgrant.yaml text; problems name the field. */
export async function parseConfig(text: string, source: string): Promise<CheckConfig> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const error = document.errors[0];
  if (error) {
    // file:line as grants files are reported; the parser's own position text is left out.
    throw new InvalidInputError(`${source}:${lineCounter.linePos(error.pos[0]).line}`, [
      { path: "", code: "YAML_SYNTAX", message: `not valid YAML: ${error.message.split("\n")[0]}` },
    ]);
  }
  const converted = yamlValue(document);
  if (!converted.ok) {
    throw new InvalidInputError(source, [{ path: "", code: converted.code, message: converted.message }]);
  }
  const raw: unknown = converted.value ?? {};
  if (!validateShape(raw)) {
    const problems: Problem[] = (validateShape.errors ?? []).map((error) => ({
      path: error.instancePath.slice(1).replaceAll("/", "."),
      code: "CONFIG_INVALID",
      message:
        error.keyword === "additionalProperties"
          ? `unknown setting ${quoteValue((error.params as { additionalProperty: string }).additionalProperty)}`
          : (error.message ?? "is invalid"),
    }));
    throw new InvalidInputError(source, problems);
  }
  const config = raw as ConfigFile;
  const patternProblem = ticketPatternProblem(config.ticketPattern ?? DEFAULT_CONFIG.ticketPattern);
  if (patternProblem) {
    throw new InvalidInputError(source, [
      { path: "ticketPattern", code: "CONFIG_INVALID", message: patternProblem },
    ]);
  }
  // An alias maps straight to the name used in grants: a chain (or a cycle) would make one
  // person two to whatever folds a name one step (src/grant/identity.ts).
  const chains = aliasChains(config.approvals?.aliases ?? {});
  if (chains.length > 0) {
    throw new InvalidInputError(
      source,
      chains.map(({ alias, name, next }) => ({
        path: `approvals.aliases.${alias}`,
        code: "CONFIG_INVALID",
        message: `alias ${quoteValue(alias)} maps to ${quoteValue(name)}, itself an alias (of ${quoteValue(next)}): map it to the name used in grants`,
      })),
    );
  }
  const resolved = resolveConfig(config);
  // Relative to tempgrant.yaml, not to wherever the command runs.
  const near = (path: string) => resolve(dirname(source), path);
  // The defaults sit beside tempgrant.yaml; a default allowed-signers file that is not there
  // is simply none (every signature then fails), a named one that is not there is an error.
  const defaultSigners = near(DEFAULT_CONFIG.approvals.allowedSigners!);
  const allowedSigners = config.approvals?.allowedSigners
    ? near(config.approvals.allowedSigners)
    : existsSync(defaultSigners)
      ? defaultSigners
      : undefined;
  return {
    ...resolved,
    ...(config.ledger ? { ledger: near(config.ledger) } : {}),
    evidence: {
      ...resolved.evidence,
      ...(allowedSigners ? { allowedSigners } : {}),
      // Otherwise the project's approvals/ (plan, apply and approve know the project).
      ...(config.approvals?.signatures ? { signatures: near(config.approvals.signatures) } : {}),
    },
  };
}

/** Fills defaults and converts durations to seconds. */
export function resolveConfig(file: ConfigFile = {}): CheckConfig {
  const seconds = (text: string): number => parseDuration(text) ?? 0;
  const mapSeconds = (map: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(map).map(([key, value]) => [key, seconds(value)]));
  const max = { ...DEFAULT_CONFIG.maxDuration, ...file.maxDuration };
  return {
    policy: {
      maxDurationSeconds: {
        default: seconds(max.default ?? "24h"),
        byAccess: mapSeconds({ ...DEFAULT_CONFIG.maxDuration.byAccess, ...file.maxDuration?.byAccess }),
        byTarget: Object.fromEntries(
          Object.entries(max.byTarget ?? {}).map(([target, byAccess]) => [target, mapSeconds(byAccess)]),
        ),
      },
      reason: { minLength: file.reason?.minLength ?? DEFAULT_CONFIG.reason.minLength ?? 10 },
      ticketPattern: file.ticketPattern ?? DEFAULT_CONFIG.ticketPattern,
      approvals: {
        required: file.approvals?.required ?? DEFAULT_CONFIG.approvals.required ?? 1,
        allowed: file.approvals?.allowed ?? [],
        // Keys are compared the way the policy folds names: lower case, no blanks.
        aliases: Object.fromEntries(
          Object.entries(file.approvals?.aliases ?? {}).map(([alias, name]) => [
            alias.trim().toLowerCase(),
            name.trim().toLowerCase(),
          ]),
        ),
      },
      breakGlass: {
        maxDurationSeconds: seconds(
          file.breakGlass?.maxDuration ?? DEFAULT_CONFIG.breakGlass.maxDuration ?? "4h",
        ),
      },
      scope: {
        forbiddenRoles: file.scope?.forbiddenRoles ?? DEFAULT_CONFIG.scope.forbiddenRoles ?? [],
        allow: file.scope?.allow ?? [],
      },
    },
    privilegedTypes: file.privilegedTypes ?? DEFAULT_PRIVILEGED_TYPES,
    revocationMarginSeconds: seconds(file.revocationMargin ?? "0s"),
    evidence: { githubAccounts: file.approvals?.githubAccounts ?? {} },
  };
}

/**
 * Why the ticket pattern cannot be used; undefined when it can. The policies match it with
 * RE2 (OPA's regex.match), which has no lookaround and no backreferences: such a pattern
 * would match nothing there (every ticket denied) while it reads as valid here.
 */
function ticketPatternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a regular expression: ${(error as Error).message}`;
  }
  // After an even number of backslashes (an escaped "(" or "\\" is text). Inside a character
  // class too: rare, and refusing there is safe.
  const re2Unsupported = /(?<!\\)(?:\\\\)*(\(\?<?[=!]|\\[1-9]|\\k<)/.exec(pattern);
  if (re2Unsupported) {
    return `${re2Unsupported[1]}... is not supported by the policy engine's regular expressions (RE2: no lookaround, no backreferences)`;
  }
  return undefined;
}
