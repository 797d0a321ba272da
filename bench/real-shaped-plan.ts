// Benchmark plans shaped like real `tofu show -json` output (OpenTofu 1.12's jsonplan): every
// section tofu writes, grants a minority among other resources, every kind of action. Written
// to a file chunk by chunk, so a 200k-grant plan (over 600 MB) never sits in memory.
// test/bench/real-shaped-plan.test.ts holds it to real plans of our own stacks
// (test/fixtures/real-plans) for shape and bytes per resource.
//
//   npx tsx bench/real-shaped-plan.ts --grants 200000 --out FILE [--now RFC3339]
//     [--evidence DIR] [--violations] [--others N]
//
// --evidence DIR files one approval signature per changing grant in DIR/approvals, with
// DIR/allowed_signers and DIR/tempgrant.yaml naming them (check with --config
// DIR/tempgrant.yaml): the plan then passes every rule. --violations adds one grant or resource
// per kind of denial the direct policy (bench/direct-policy) knows, for comparing verdicts.
// --others N (0 to 8, default 8) keeps N of each unit's 8 other resources: about 14 KB per
// grant with 8, 4.5 KB with none, so that 200k grants make a plan of 0.9 to 2.7 GB.
//
// Each "unit" i is one grant (a tempgrant_grant record and the login role it owns, in the
// root module, as a cdktf stack writes them) and one instance of a for_each module
// (module.team["team-i"]) holding 8 other resources: count and for_each instances, a nested
// module, a sensitive input and values unknown until apply. So 1 resource in 5 is a grant
// record or its access. Grants: 60% created, 10% unchanged, 10% extended (update), 5% revoked
// after expiry, 10% removed before expiry, 5% re-approved with their role replaced.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { recordDigest } from "../src/approval/record-digest.js";
import { GRANT_RECORD_TYPE, grantRecordOfResource } from "../src/grant/record.js";
import { formatTimestamp, parseTimestamp } from "../src/grant/time.js";
import { allowedSigners, benchKey, fileSignature, type BenchKey } from "./approval-signatures.js";

export const TOFU_VERSION = "1.12.6";
const TEMPGRANT_PROVIDER = "registry.opentofu.org/tempgrant/tempgrant";
const BUILTIN_PROVIDER = "terraform.io/builtin/terraform";
const ROLE_TYPE = "tempgrant_postgresql_login_role";
export const APPROVERS = ["lead@example.com", "oncall@example.com"] as const;

export type Action = "create" | "update" | "delete" | "no-op" | "replace";
type Values = Record<string, unknown>;

/** One resource instance of the plan, with both sides of its change. */
export interface Instance {
  readonly address: string;
  /** The module instance it is in; undefined for the root module. */
  readonly module?: string;
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly provider: string;
  readonly action: Action;
  readonly before: Values | null;
  readonly after: Values | null;
  readonly afterUnknown: Values;
  readonly sensitive: Values;
  readonly actionReason?: string;
  readonly replacePaths?: readonly (readonly string[])[];
  readonly dependsOn?: readonly string[];
  /** Grant records only: the approvers who sign the after side (none: left unsigned). */
  readonly signers?: readonly string[];
}

export interface RealShapedOptions {
  readonly grants: number;
  /** The plan's timestamp, in seconds: the instant `tempgrant check` judges it at. */
  readonly now: number;
  readonly violations?: boolean;
  /** Other resources per unit, 0 to {@link MAX_OTHERS} (default: all). */
  readonly others?: number;
}

type GrantKind = "create" | "no-op" | "extend" | "revoke-expired" | "remove-unexpired" | "replace";
/** Twenty units in a row, the mix of grant actions the header states. */
const GRANT_KINDS: readonly GrantKind[] = [
  ...Array<GrantKind>(12).fill("create"),
  "no-op",
  "no-op",
  "extend",
  "extend",
  "revoke-expired",
  "remove-unexpired",
  "remove-unexpired",
  "replace",
];
/** Sixteen other resources in a row: mostly creates and no-ops, some updates, a delete, a replace. */
const OTHER_ACTIONS: readonly Action[] = [
  "create",
  "no-op",
  "create",
  "update",
  "no-op",
  "create",
  "no-op",
  "delete",
  "create",
  "update",
  "no-op",
  "create",
  "replace",
  "no-op",
  "create",
  "update",
];

const HOUR = 3_600;

/** A deterministic, realistic-looking SCRAM-SHA-256 verifier for unit `i` (never a real secret). */
function scramVerifier(i: number, generation: number): string {
  const bytes = (length: number, salt: number) =>
    Buffer.from(Array.from({ length }, (_, k) => (i * 31 + k * 7 + salt + generation * 13) & 0xff)).toString(
      "base64",
    );
  return `SCRAM-SHA-256$4096:${bytes(16, 1)}$${bytes(32, 2)}:${bytes(32, 3)}`;
}

/** A stable UUID-shaped id for an existing object. */
function objectId(i: number, j: number): string {
  const hex = ((i * 2_654_435_761 + j * 40_503) >>> 0).toString(16).padStart(8, "0");
  return `${hex}-${hex.slice(0, 4)}-4${hex.slice(1, 4)}-8${hex.slice(4, 7)}-${hex}${hex.slice(0, 4)}`;
}

interface GrantSide {
  readonly expires: number;
  readonly ticket: string;
  readonly approvedBy: readonly string[];
  readonly roleName: string;
  readonly credential: string;
  readonly reason: string;
  readonly principal: string;
  readonly resources: readonly string[];
  /** null: the expiry is known only after apply. */
  readonly expiresText?: null;
}

function recordValues(id: string, side: GrantSide): Values {
  // Attribute order as tofu writes an object: sorted by name.
  return {
    access: "read",
    approved_by: [...side.approvedBy],
    binding: "postgresql",
    break_glass: false,
    // Unknown until apply (expiresText null): tofu leaves the attribute out of the value.
    ...(side.expiresText === null ? {} : { expires_at: formatTimestamp(side.expires) }),
    grant_id: id,
    id,
    native_expiry: true,
    principal: side.principal,
    reason: side.reason,
    requested_by: side.principal,
    resources: [...side.resources],
    starts_at: null,
    target: "orders-db",
    ticket: side.ticket,
  };
}

function roleValues(side: GrantSide, oid: number | undefined): Values {
  return {
    bypass_rls: false,
    create_db: false,
    create_role: false,
    member_of: ["pg_read_all_data"],
    name: side.roleName,
    ...(oid === undefined ? {} : { oid }),
    reassign_owned_to: null,
    replication: false,
    scram_verifier: side.credential,
    superuser: false,
    ...(side.expiresText === null ? {} : { valid_until: formatTimestamp(side.expires) }),
  };
}

const RECORD_SENSITIVE = { approved_by: [false], resources: [false] };
const ROLE_SENSITIVE = { member_of: [false], scram_verifier: true };

/** The violation (if any) unit `i` carries in a plan made with --violations. */
export type Violation =
  "self-approval" | "no-approver" | "too-long" | "standing-role" | "unknown-expiry" | "renamed-unexpired";
const VIOLATIONS: readonly Violation[] = [
  "self-approval",
  "no-approver",
  "too-long",
  "standing-role",
  "unknown-expiry",
  "renamed-unexpired",
];

/** Which unit carries which violation: the first units after unit 0, one each. */
export function violationOf(i: number, options: RealShapedOptions): Violation | undefined {
  if (!options.violations || i === 0) return undefined;
  return VIOLATIONS[i - 1];
}

/** The grant kind of unit `i` (a renamed grant needs unit 0 to remove its predecessor). */
function grantKindOf(i: number, options: RealShapedOptions): GrantKind {
  if (options.violations && i === 0) return "remove-unexpired";
  if (violationOf(i, options)) return "create";
  return GRANT_KINDS[i % GRANT_KINDS.length]!;
}

/** The grant record and login role of unit `i`. */
function grantInstances(i: number, options: RealShapedOptions): Instance[] {
  const kind = grantKindOf(i, options);
  const violation = violationOf(i, options);
  const now = options.now;
  // A renamed grant takes unit 0's principal (whose grant is removed unexpired) under a new id.
  const principal = violation === "renamed-unexpired" ? "user0@example.com" : `user${i}@example.com`;
  const id = `grant-${i}`;
  const recordAddress = `${GRANT_RECORD_TYPE}.grant_${i}`;
  const roleAddress = `${ROLE_TYPE}.grant_${i}`;
  const approver = APPROVERS[i % APPROVERS.length]!;
  const base: GrantSide = {
    expires: now + 2 * HOUR,
    ticket: `OPS-${1000 + i}`,
    approvedBy: [approver],
    roleName: `tg_grant_${i}`,
    credential: scramVerifier(i, 0),
    reason: "reconcile the ledger after the nightly batch",
    principal,
    resources: [roleAddress],
  };
  let before: GrantSide | null = null;
  let after: GrantSide | null = base;
  let recordAction: Action = "create";
  let roleAction: Action = "create";
  let signers: readonly string[] = [approver];
  switch (kind) {
    case "no-op":
      before = base;
      recordAction = roleAction = "no-op";
      break;
    case "extend":
      before = base;
      after = { ...base, expires: now + 6 * HOUR };
      recordAction = roleAction = "update";
      break;
    case "revoke-expired":
      before = { ...base, expires: now - HOUR };
      after = null;
      recordAction = roleAction = "delete";
      break;
    case "remove-unexpired":
      before = base;
      after = null;
      recordAction = roleAction = "delete";
      break;
    case "replace":
      before = base;
      after = {
        ...base,
        ticket: `OPS-${2000 + i}`,
        roleName: `tg_grant_${i}_v2`,
        credential: scramVerifier(i, 1),
      };
      recordAction = "update";
      roleAction = "replace";
      break;
    case "create":
      break;
  }
  if (violation && after) {
    switch (violation) {
      case "self-approval":
        after = { ...after, approvedBy: [principal] };
        signers = [];
        break;
      case "no-approver":
        after = { ...after, approvedBy: [] };
        signers = [];
        break;
      case "too-long":
        after = { ...after, expires: now + 8 * 24 * HOUR };
        break;
      case "unknown-expiry":
        after = { ...after, expiresText: null };
        signers = [];
        break;
      case "renamed-unexpired":
        after = { ...after, expires: now + 5 * HOUR };
        signers = [];
        break;
      case "standing-role":
        break;
    }
  }
  const instances: Instance[] = [];
  const recordBefore = before && recordValues(id, before);
  const recordAfter = after && recordValues(id, after);
  const unknownExpiry = violation === "unknown-expiry";
  instances.push({
    address: recordAddress,
    type: GRANT_RECORD_TYPE,
    name: `grant_${i}`,
    provider: TEMPGRANT_PROVIDER,
    action: recordAction,
    before: recordBefore,
    after: recordAfter,
    afterUnknown: unknownExpiry ? { expires_at: true } : {},
    sensitive: RECORD_SENSITIVE,
    ...(recordAction === "delete" ? { actionReason: "delete_because_no_resource_config" } : {}),
    signers,
  });
  const oid = 16_384 + i;
  instances.push({
    address: roleAddress,
    type: ROLE_TYPE,
    name: `grant_${i}`,
    provider: TEMPGRANT_PROVIDER,
    action: roleAction,
    before: before && roleValues(before, oid),
    after: after && roleValues(after, roleAction === "create" || roleAction === "replace" ? undefined : oid),
    afterUnknown:
      roleAction === "create" || roleAction === "replace"
        ? { member_of: [false], oid: true, ...(unknownExpiry ? { valid_until: true } : {}) }
        : {},
    sensitive: ROLE_SENSITIVE,
    dependsOn: [recordAddress],
    ...(roleAction === "delete" ? { actionReason: "delete_because_no_resource_config" } : {}),
    ...(roleAction === "replace"
      ? { actionReason: "replace_because_cannot_update", replacePaths: [["name"]] }
      : {}),
  });
  if (violation === "standing-role") {
    // A login role beside the grant that no record lists: standing access.
    const standing = { ...base, roleName: `tg_standing_${i}`, credential: scramVerifier(i, 2) };
    instances.push({
      address: `${ROLE_TYPE}.standing_${i}`,
      type: ROLE_TYPE,
      name: `standing_${i}`,
      provider: TEMPGRANT_PROVIDER,
      action: "create",
      before: null,
      after: roleValues(standing, undefined),
      afterUnknown: { member_of: [false], oid: true },
      sensitive: ROLE_SENSITIVE,
    });
  }
  return instances;
}

/** Other resources a unit has at most (and by default). */
export const MAX_OTHERS = 8;

/**
 * Which of the eight other resources a unit keeps when it keeps only `others` of them, by
 * slot: the first service (relevant_attributes names it) and the endpoint (checks name it) go last.
 */
const OTHER_SLOT_RANKS = [0, 4, 7, 6, 2, 1, 5, 3];

/** The other resources of unit `i` (eight by default), in its module instance module.team["team-i"]. */
function otherInstances(i: number, others = MAX_OTHERS): Instance[] {
  const team = `module.team["team-${i}"]`;
  const inner = `${team}.module.inner`;
  const instances: Instance[] = [];
  const slots: {
    module: string;
    name: string;
    index?: number | string;
    sensitive?: boolean;
    follows?: boolean;
  }[] = [
    { module: team, name: "service", index: 0 },
    { module: team, name: "service", index: 1 },
    { module: team, name: "service", index: 2 },
    { module: team, name: "setting", index: "log_level" },
    { module: team, name: "setting", index: "region" },
    { module: team, name: "endpoint", follows: true },
    { module: inner, name: "item" },
    { module: inner, name: "secret", sensitive: true },
  ];
  const kept = slots.filter((_slot, j) => OTHER_SLOT_RANKS[j]! < others);
  kept.forEach((slot, j) => {
    let action = OTHER_ACTIONS[(i * kept.length + j) % OTHER_ACTIONS.length]!;
    // The endpoint carries the module's precondition (see checks): never removed.
    if (slot.follows && action === "delete") action = "update";
    const key =
      slot.index === undefined
        ? ""
        : typeof slot.index === "number"
          ? `[${slot.index}]`
          : `["${slot.index}"]`;
    const address = `${slot.module}.terraform_data.${slot.name}${key}`;
    const label = `team-${i}-${slot.name}${slot.index === undefined ? "" : `-${slot.index}`}`;
    const id = objectId(i, slots.indexOf(slot));
    const old: Values = { id, input: `${label}-v1`, output: `${label}-v1`, triggers_replace: null };
    // Only the input is marked: the output comes back from the provider unmarked.
    const sensitive = slot.sensitive ? { input: true } : {};
    let before: Values | null = null;
    let after: Values | null = null;
    let afterUnknown: Values = {};
    switch (action) {
      case "create":
        after = slot.follows ? { triggers_replace: null } : { input: `${label}-v1`, triggers_replace: null };
        afterUnknown = slot.follows ? { id: true, input: true, output: true } : { id: true, output: true };
        break;
      case "no-op":
        before = old;
        after = old;
        break;
      case "update":
        before = old;
        after = { id, input: `${label}-v2`, triggers_replace: null };
        afterUnknown = { output: true };
        break;
      case "delete":
        before = old;
        break;
      case "replace":
        before = old;
        after = { input: `${label}-v1`, triggers_replace: `rotation-${i}` };
        afterUnknown = { id: true, output: true };
        break;
    }
    instances.push({
      address,
      module: slot.module,
      type: "terraform_data",
      name: slot.name,
      ...(slot.index === undefined ? {} : { index: slot.index }),
      provider: BUILTIN_PROVIDER,
      action,
      before,
      after,
      afterUnknown,
      sensitive,
      ...(action === "delete" ? { actionReason: "delete_because_count_index" } : {}),
      ...(action === "replace"
        ? { actionReason: "replace_because_cannot_update", replacePaths: [["triggers_replace"]] }
        : {}),
    });
  });
  return instances;
}

/** Every resource instance of unit `i`: its grant first (root module), then its module's. */
export function unitInstances(i: number, options: RealShapedOptions): Instance[] {
  return [...grantInstances(i, options), ...otherInstances(i, options.others)];
}

const ACTIONS: Readonly<Record<Action, readonly string[]>> = {
  create: ["create"],
  update: ["update"],
  delete: ["delete"],
  "no-op": ["no-op"],
  replace: ["delete", "create"],
};

/** The resource_changes entry of an instance, keys in tofu's order. */
export function resourceChange(instance: Instance): Values {
  return {
    address: instance.address,
    ...(instance.module ? { module_address: instance.module } : {}),
    mode: "managed",
    type: instance.type,
    name: instance.name,
    ...(instance.index === undefined ? {} : { index: instance.index }),
    provider_name: instance.provider,
    change: {
      actions: ACTIONS[instance.action],
      before: instance.before,
      after: instance.after,
      after_unknown: instance.afterUnknown,
      before_sensitive: instance.before ? instance.sensitive : false,
      after_sensitive: instance.after ? instance.sensitive : false,
      ...(instance.replacePaths ? { replace_paths: instance.replacePaths } : {}),
    },
    ...(instance.actionReason ? { action_reason: instance.actionReason } : {}),
  };
}

/** A planned_values or prior_state resource entry of one side of an instance. */
function stateResource(instance: Instance, values: Values, withDependencies: boolean): Values {
  return {
    address: instance.address,
    mode: "managed",
    type: instance.type,
    name: instance.name,
    ...(instance.index === undefined ? {} : { index: instance.index }),
    provider_name: instance.provider,
    schema_version: 0,
    values,
    sensitive_values: instance.sensitive,
    ...(withDependencies && instance.dependsOn ? { depends_on: instance.dependsOn } : {}),
  };
}

/** A grant resource's configuration block, as a cdktf stack synthesizes it: constants. */
function grantConfiguration(instance: Instance): Values {
  const constants = Object.entries(instance.after ?? {}).filter(
    ([name, value]) => value !== null && name !== "id" && name !== "oid" && name !== "create_db",
  );
  return {
    address: instance.address,
    mode: "managed",
    type: instance.type,
    name: instance.name,
    provider_config_key: "tempgrant",
    expressions: Object.fromEntries(constants.map(([name, value]) => [name, { constant_value: value }])),
    schema_version: 0,
    ...(instance.dependsOn ? { depends_on: instance.dependsOn } : {}),
  };
}

/** Writes text to a file descriptor in chunks of about a mebibyte. */
class ChunkWriter {
  private pending: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(private readonly fd: number) {}
  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.pending.length === 0) return;
    const buffer = Buffer.from(this.pending.join(""), "utf8");
    writeSync(this.fd, buffer);
    this.bytes += buffer.length;
    this.pending = [];
    this.size = 0;
  }
}

/** Writes `items` as the elements of a JSON array (the brackets are the caller's). */
function writeElements(out: ChunkWriter, items: Iterable<unknown>): void {
  let first = true;
  for (const item of items) {
    out.write(first ? JSON.stringify(item) : `,${JSON.stringify(item)}`);
    first = false;
  }
}

function* range(count: number): Generator<number> {
  for (let i = 0; i < count; i += 1) yield i;
}

/**
 * A module tree (planned_values or prior_state) of one side of the plan: the root module's
 * resources, then each unit's module instance with its nested module.
 */
function writeModuleTree(
  out: ChunkWriter,
  options: RealShapedOptions,
  side: "before" | "after",
  outputs: Values,
): void {
  const present = (instance: Instance) => instance[side] !== null;
  out.write(`{"outputs":${JSON.stringify(outputs)},"root_module":{"resources":[`);
  writeElements(
    out,
    (function* () {
      for (const i of range(options.grants))
        for (const instance of unitInstances(i, options))
          if (!instance.module && present(instance))
            yield stateResource(instance, instance[side]!, side === "before");
    })(),
  );
  out.write(`],"child_modules":[`);
  let firstModule = true;
  for (const i of range(options.grants)) {
    const instances = unitInstances(i, options).filter((instance) => instance.module && present(instance));
    const team = `module.team["team-${i}"]`;
    const own = instances.filter((instance) => instance.module === team);
    const inner = instances.filter((instance) => instance.module !== team);
    if (own.length === 0 && inner.length === 0) continue;
    const resources = (list: Instance[]) =>
      JSON.stringify(list.map((instance) => stateResource(instance, instance[side]!, false)));
    const innerModule =
      inner.length > 0
        ? `,"child_modules":[{"resources":${resources(inner)},"address":${JSON.stringify(`${team}.module.inner`)}}]`
        : "";
    out.write(
      `${firstModule ? "" : ","}{"resources":${resources(own)},"address":${JSON.stringify(team)}${innerModule}}`,
    );
    firstModule = false;
  }
  out.write("]}}");
}

/** The configuration of the team module (one block whatever the number of instances). */
const TEAM_MODULE_CALL = {
  source: "./modules/team",
  expressions: { name: { references: ["each.key"] } },
  for_each_expression: { references: ["local.teams"] },
  module: {
    outputs: {
      endpoint: { expression: { references: ["terraform_data.endpoint.output", "terraform_data.endpoint"] } },
    },
    resources: [
      {
        address: "terraform_data.service",
        mode: "managed",
        type: "terraform_data",
        name: "service",
        provider_config_key: "terraform",
        expressions: { input: { references: ["var.name", "count.index"] } },
        schema_version: 0,
        count_expression: { constant_value: 3 },
      },
      {
        address: "terraform_data.setting",
        mode: "managed",
        type: "terraform_data",
        name: "setting",
        provider_config_key: "terraform",
        expressions: { input: { references: ["each.value"] } },
        schema_version: 0,
        for_each_expression: { references: ["local.settings"] },
      },
      {
        address: "terraform_data.endpoint",
        mode: "managed",
        type: "terraform_data",
        name: "endpoint",
        provider_config_key: "terraform",
        expressions: {
          input: {
            references: [
              "terraform_data.service[0].id",
              "terraform_data.service[0]",
              "terraform_data.service",
            ],
          },
        },
        schema_version: 0,
      },
    ],
    module_calls: {
      inner: {
        source: "../inner",
        expressions: { label: { references: ["var.name"] }, secret: { references: ["var.secret"] } },
        module: {
          resources: [
            {
              address: "terraform_data.item",
              mode: "managed",
              type: "terraform_data",
              name: "item",
              provider_config_key: "terraform",
              expressions: { input: { references: ["var.label"] } },
              schema_version: 0,
            },
            {
              address: "terraform_data.secret",
              mode: "managed",
              type: "terraform_data",
              name: "secret",
              provider_config_key: "terraform",
              expressions: { input: { references: ["var.secret"] } },
              schema_version: 0,
            },
          ],
          variables: {
            label: { type: "string", required: true },
            secret: { type: "string", sensitive: true, required: true },
          },
        },
      },
    },
    variables: {
      name: { type: "string", required: true },
      secret: { type: "string", sensitive: true, required: true },
    },
  },
};

export interface WrittenPlan {
  readonly bytes: number;
  readonly resourceChanges: number;
  readonly grants: number;
}

/**
 * Writes the plan to `path`. `sign(id, digest, approvers)` is called for every grant record the
 * plan creates or changes whose approvers should sign it (none for the violations that are
 * about missing or invalid approvals), with the digest tempgrant recomputes.
 */
export function writeRealShapedPlan(
  path: string,
  options: RealShapedOptions,
  sign?: (grantId: string, digest: string, approvers: readonly string[]) => void,
): WrittenPlan {
  const fd = openSync(path, "w");
  const out = new ChunkWriter(fd);
  const timestamp = formatTimestamp(options.now);
  let resourceChanges = 0;
  try {
    out.write(`{"format_version":"1.2","terraform_version":${JSON.stringify(TOFU_VERSION)}`);
    out.write(
      `,"variables":{"environment":{"value":"production"},"team_secret":{"value":"not-a-real-secret"}}`,
    );
    out.write(`,"planned_values":`);
    writeModuleTree(out, options, "after", {
      team_count: { sensitive: false, type: "number", value: options.grants },
    });

    // Changes made outside tofu since the last apply: every tenth unit's region setting.
    out.write(`,"resource_drift":[`);
    writeElements(
      out,
      (function* () {
        for (let i = 0; i < options.grants; i += 10) {
          const setting = otherInstances(i, options.others).find(
            (instance) => instance.address === `module.team["team-${i}"].terraform_data.setting["region"]`,
          );
          if (!setting?.before) continue;
          yield resourceChange({
            ...setting,
            action: "update",
            after: {
              ...setting.before,
              input: `team-${i}-setting-region-edited`,
              output: `team-${i}-setting-region-edited`,
            },
            afterUnknown: {},
            actionReason: undefined,
            replacePaths: undefined,
          });
        }
      })(),
    );

    out.write(`],"resource_changes":[`);
    writeElements(
      out,
      (function* () {
        for (const i of range(options.grants))
          for (const instance of unitInstances(i, options)) {
            resourceChanges += 1;
            if (sign && instance.type === GRANT_RECORD_TYPE && instance.after && instance.action !== "no-op")
              signGrant(instance, unitInstances(i, options), sign);
            yield resourceChange(instance);
          }
      })(),
    );

    out.write(
      `],"output_changes":{"team_count":{"actions":["update"],"before":${Math.max(0, options.grants - 1)},"after":${options.grants},"after_unknown":false,"before_sensitive":false,"after_sensitive":false},"team_secret":{"actions":["no-op"],"before":"not-a-real-secret","after":"not-a-real-secret","after_unknown":false,"before_sensitive":true,"after_sensitive":true}}`,
    );

    out.write(
      `,"prior_state":{"format_version":"1.0","terraform_version":${JSON.stringify(TOFU_VERSION)},"values":`,
    );
    writeModuleTree(out, options, "before", {
      team_count: { sensitive: false, type: "number", value: Math.max(0, options.grants - 1) },
      team_secret: { sensitive: true, type: "string", value: "not-a-real-secret" },
    });
    out.write("}");

    out.write(
      `,"configuration":{"provider_config":{"tempgrant":{"name":"tempgrant","full_name":"${TEMPGRANT_PROVIDER}"},"terraform":{"name":"terraform","full_name":"${BUILTIN_PROVIDER}"}},"root_module":{"outputs":{"team_count":{"expression":{"references":["local.teams"]}},"team_secret":{"sensitive":true,"expression":{"references":["var.team_secret"]}}},"resources":[`,
    );
    writeElements(
      out,
      (function* () {
        for (const i of range(options.grants))
          for (const instance of unitInstances(i, options))
            if (!instance.module && instance.after) yield grantConfiguration(instance);
      })(),
    );
    out.write(
      `],"module_calls":{"team":${JSON.stringify(TEAM_MODULE_CALL)}},"variables":{"environment":{"type":"string","default":"production"},"team_secret":{"type":"string","default":"not-a-real-secret","sensitive":true}}}}`,
    );

    // Each unit's first service and its endpoint are the last of its other resources to go.
    const others = options.others ?? MAX_OTHERS;
    out.write(`,"relevant_attributes":[`);
    writeElements(
      out,
      (function* () {
        for (const i of range(others > OTHER_SLOT_RANKS[0]! ? options.grants : 0))
          yield { resource: `module.team["team-${i}"].terraform_data.service[0]`, attribute: ["id"] };
      })(),
    );

    // The team module's endpoint has a precondition: one check result per module instance.
    out.write(
      `],"checks":[{"address":{"kind":"resource","mode":"managed","module":"module.team","name":"endpoint","to_display":"module.team.terraform_data.endpoint","type":"terraform_data"},"status":"unknown","instances":[`,
    );
    writeElements(
      out,
      (function* () {
        for (const i of range(others > OTHER_SLOT_RANKS[5]! ? options.grants : 0))
          yield {
            address: {
              module: `module.team["team-${i}"]`,
              to_display: `module.team["team-${i}"].terraform_data.endpoint`,
            },
            status: "unknown",
          };
      })(),
    );
    out.write(`]}],"timestamp":${JSON.stringify(timestamp)},"errored":false}`);
    out.flush();
  } finally {
    closeSync(fd);
  }
  return { bytes: out.bytes, resourceChanges, grants: options.grants };
}

/** Calls `sign` with the digest tempgrant recomputes for the record's after side. */
function signGrant(
  record: Instance,
  unit: readonly Instance[],
  sign: (grantId: string, digest: string, approvers: readonly string[]) => void,
): void {
  if (!record.signers || record.signers.length === 0) return;
  const fields = grantRecordOfResource(record.type, record.after);
  const role = unit.find((instance) => instance.type === ROLE_TYPE && instance.after);
  const digest = fields && recordDigest(fields, (role?.after?.scram_verifier as string | undefined) ?? null);
  if (fields && digest) sign(fields.id, digest, record.signers);
}

/**
 * Writes the plan and, in `evidenceDir`, the approvals its grants need to pass: one signature
 * per changing grant, the allowed-signers file and a tempgrant.yaml naming both.
 */
export function writeRealShapedPlanWithEvidence(
  path: string,
  options: RealShapedOptions,
  evidenceDir: string,
): WrittenPlan {
  const keys = new Map<string, BenchKey>(APPROVERS.map((person) => [person, benchKey(person)]));
  const approvals = join(evidenceDir, "approvals");
  mkdirSync(approvals, { recursive: true });
  const written = writeRealShapedPlan(path, options, (grantId, digest, approvers) => {
    for (const person of approvers) fileSignature(approvals, grantId, keys.get(person)!, digest);
  });
  writeFileSync(join(evidenceDir, "allowed_signers"), allowedSigners([...keys.values()]));
  writeFileSync(
    join(evidenceDir, "tempgrant.yaml"),
    "approvals:\n  allowed: ['*@example.com']\n  allowedSigners: allowed_signers\n  signatures: approvals\n",
  );
  return written;
}

function usage(message: string): never {
  process.stderr.write(
    `real-shaped-plan: ${message}\nusage: npx tsx bench/real-shaped-plan.ts --grants N --out FILE [--now RFC3339] [--evidence DIR] [--violations] [--others N]\n`,
  );
  process.exit(2);
}

function main(argv: readonly string[]): void {
  const option = (name: string) => {
    const index = argv.indexOf(name);
    if (index < 0) return undefined;
    const value = argv[index + 1];
    if (value === undefined || value.startsWith("--")) usage(`${name} needs a value`);
    return value;
  };
  const grantsText = option("--grants") ?? usage("--grants is required");
  const grants = Number(grantsText);
  if (!Number.isSafeInteger(grants) || grants < 1)
    usage(`--grants ${grantsText}: not a positive whole number`);
  const out = option("--out") ?? usage("--out is required");
  const nowText = option("--now");
  let now = Math.floor(Date.now() / 1000);
  if (nowText !== undefined) {
    const parsed = parseTimestamp(nowText);
    if (!parsed.ok) usage(`--now ${nowText}: not an RFC 3339 time with a zone`);
    now = parsed.instant.seconds;
  }
  const othersText = option("--others") ?? String(MAX_OTHERS);
  const others = Number(othersText);
  if (!Number.isInteger(others) || others < 0 || others > MAX_OTHERS)
    usage(`--others ${othersText}: not a whole number from 0 to ${MAX_OTHERS}`);
  const options = { grants, now, violations: argv.includes("--violations"), others };
  const evidence = option("--evidence");
  const started = process.hrtime.bigint();
  const written = evidence
    ? writeRealShapedPlanWithEvidence(out, options, evidence)
    : writeRealShapedPlan(out, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(
    `${out}: ${grants} grants, ${written.resourceChanges} resource changes, ${(written.bytes / 1024 / 1024).toFixed(1)} MiB in ${seconds.toFixed(1)} s\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
