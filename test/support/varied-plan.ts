// A plan document in `tofu show -json` shape whose grants and resources trip every shipped
// rule in turn: for tests that compare evaluations, so that equal verdicts mean something.
// Grants are written both ways a plan may hold them: tempgrant's provider (a tempgrant_grant
// record owning a tempgrant_postgresql_login_role) and the legacy shapes old states still hold
// (a terraform_data whose input is the record, owning a cyrilgdn postgresql_role).
import {
  formatTimestamp,
  GRANT_RECORD_MARKER,
  grantRecordAttributes,
  type GrantRecord,
} from "../../src/grant/index.js";
import { formatPostgresTimestamp } from "../../src/targets/postgresql/timestamp.js";

const HOUR = 3_600;

interface RecordOverrides {
  readonly [field: string]: unknown;
}

/** Whether the grant at this index is written the legacy way: every other run of twelve. */
const legacy = (index: number): boolean => Math.floor(index / 12) % 2 === 1;

/** `count` grants (a record and a login role each) plus standing access and rename pairs, at `now`. */
export function variedPlan(count: number, now: number): object {
  const changes: object[] = [];
  const record = (index: number, overrides: RecordOverrides = {}): GrantRecord =>
    ({
      tempgrant: GRANT_RECORD_MARKER,
      id: `g-${index}`,
      principal: `user${index}@example.com`,
      target: index % 3 === 0 ? "orders-db" : "billing-db",
      access: ["read", "write", "admin"][index % 3],
      expiresAt: formatTimestamp(now + HOUR),
      reason: "reconcile the ledgers after INC-7",
      ticket: `INC-${index}`,
      requestedBy: `user${index}@example.com`,
      approvedBy: ["approver@example.com"],
      breakGlass: false,
      binding: "postgresql",
      nativeExpiry: true,
      resources: [roleAddress(index)],
      ...overrides,
    }) as GrantRecord;
  const problems: ((index: number) => RecordOverrides)[] = [
    () => ({}),
    (index) => ({ approvedBy: [` USER${index}@Example.com `] }),
    () => ({ ticket: "not a ticket" }),
    () => ({ reason: "short" }),
    () => ({ expiresAt: formatTimestamp(now + 30 * 24 * HOUR) }),
    () => ({ breakGlass: true, approvedBy: [], expiresAt: formatTimestamp(now + 12 * HOUR) }),
    () => ({ breakGlass: true, approvedBy: [] }),
    () => ({ expiresAt: formatTimestamp(now - HOUR) }),
    () => ({ startsAt: formatTimestamp(now + HOUR), expiresAt: formatTimestamp(now + 2 * HOUR) }),
    () => ({ expiresAt: "tomorrow" }),
    () => ({ approvedBy: ["mallory@elsewhere.org"] }),
    // Two records with one id: they share their resources' owner.
    (index) => ({ id: `g-${index - 1}` }),
  ];
  for (let index = 0; index < count; index += 1) {
    const problem = problems[index % problems.length] ?? (() => ({}));
    const grant = record(index, problem(index));
    const expiry = index % 13 === 0 ? now + 5 * HOUR : now + HOUR;
    const roles = index % 17 === 0 ? ["orders_read", "rds_superuser"] : ["orders_read"];
    const superuser = index % 19 === 0;
    changes.push(recordChange(`grant_${index}`, legacy(index), ["create"], null, grant));
    changes.push(
      legacy(index)
        ? change(roleAddress(index), "postgresql_role", ["create"], null, {
            name: `tg_${index}`,
            login: true,
            roles,
            superuser,
            valid_until: formatPostgresTimestamp(expiry),
          })
        : change(roleAddress(index), "tempgrant_postgresql_login_role", ["create"], null, {
            name: `tg_${index}`,
            member_of: roles,
            superuser,
            create_role: false,
            create_db: false,
            bypass_rls: false,
            replication: false,
            reassign_owned_to: null,
            scram_verifier: "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy",
            valid_until: formatTimestamp(expiry),
          }),
    );
  }
  // Renaming to restart the clock: an unexpired record removed, a later one for the same access created.
  for (let index = 0; index < Math.ceil(count / 20); index += 1) {
    const old = record(10_000 + index, { id: `old-${index}`, resources: [] });
    changes.push(recordChange(`old_${index}`, index % 2 === 1, ["delete"], old, null));
    const renamed = record(10_000 + index, {
      id: `renamed-${index}`,
      resources: [],
      expiresAt: formatTimestamp(now + 2 * HOUR),
    });
    changes.push(recordChange(`renamed_${index}`, index % 2 === 1, ["create"], null, renamed));
  }
  // Expiries only known after apply.
  for (let index = 0; index < Math.ceil(count / 25); index += 1) {
    const later = record(20_000 + index, { id: `later-${index}`, resources: [] });
    const unknown = recordChange(`later_${index}`, index % 2 === 1, ["create"], null, later) as {
      change: { after: Record<string, unknown>; after_unknown: unknown };
    };
    if (index % 2 === 1) {
      unknown.change.after_unknown = { id: true, input: { expiresAt: true } };
    } else {
      delete unknown.change.after.expires_at;
      unknown.change.after_unknown = { expires_at: true };
    }
    changes.push(unknown);
  }
  // Standing access beside the grants, and wildcards spelled several ways.
  const privileges = [["SELECT"], ["ALL"], ["all privileges"], ["*"]];
  for (let index = 0; index < Math.ceil(count / 10); index += 1) {
    changes.push(
      change(`postgresql_grant.standing_${index}`, "postgresql_grant", ["create"], null, {
        role: "mallory",
        privileges: privileges[index % privileges.length],
      }),
    );
    changes.push(change(`null_resource.other_${index}`, "null_resource", ["create"], null, { triggers: {} }));
  }
  return {
    format_version: "1.2",
    timestamp: formatTimestamp(now),
    planned_values: {},
    resource_changes: changes,
  };
}

/**
 * A plan whose grants continue others far away in plan order, for tests that check it in
 * parts: `count` unexpired records removed first, and at the end the grants that continue
 * them (a rename by access key, one under another spelling of the person, the same id with
 * more access); in-place extensions; and a chain of break-glass grants of one person on one
 * target spread between them, joined into one window. Filler resources keep them apart.
 */
export function continuationPlan(count: number, now: number): object {
  const grant = (id: string, overrides: RecordOverrides = {}): GrantRecord =>
    ({
      tempgrant: GRANT_RECORD_MARKER,
      id,
      principal: `${id}@example.com`,
      target: "orders-db",
      access: "read",
      expiresAt: formatTimestamp(now + HOUR),
      reason: "reconcile the ledgers after INC-7",
      ticket: "INC-7",
      requestedBy: `${id}@example.com`,
      approvedBy: ["approver@example.com"],
      breakGlass: false,
      binding: "postgresql",
      nativeExpiry: true,
      resources: [],
      ...overrides,
    }) as GrantRecord;
  const removed: object[] = [];
  const middle: object[] = [];
  const continuing: object[] = [];
  const filler = (name: string) =>
    change(`null_resource.${name}`, "null_resource", ["create"], null, { triggers: {} });
  for (let index = 0; index < count; index += 1) {
    const legacyShape = index % 2 === 1;
    const person = { principal: `person${index}@example.com`, requestedBy: `person${index}@example.com` };
    // Renamed: the same access under a new id, ending later.
    removed.push(recordChange(`old_${index}`, legacyShape, ["delete"], grant(`old-${index}`, person), null));
    continuing.push(
      recordChange(
        `new_${index}`,
        legacyShape,
        ["create"],
        null,
        grant(`new-${index}`, { ...person, expiresAt: formatTimestamp(now + 3 * HOUR) }),
      ),
    );
    // Renamed under another spelling of the same person, ending later.
    const spelled = { principal: `spelled${index}@example.com`, requestedBy: `spelled${index}@example.com` };
    removed.push(
      recordChange(`spelled_old_${index}`, !legacyShape, ["delete"], grant(`s-old-${index}`, spelled), null),
    );
    continuing.push(
      recordChange(
        `spelled_new_${index}`,
        !legacyShape,
        ["create"],
        null,
        grant(`s-new-${index}`, {
          principal: ` SPELLED${index}@Example.com `,
          requestedBy: `spelled${index}@example.com`,
          expiresAt: formatTimestamp(now + 2 * HOUR),
        }),
      ),
    );
    // Re-declared under its own id with more access.
    removed.push(recordChange(`same_old_${index}`, legacyShape, ["delete"], grant(`same-${index}`), null));
    continuing.push(
      recordChange(
        `same_new_${index}`,
        legacyShape,
        ["create"],
        null,
        grant(`same-${index}`, { access: "write" }),
      ),
    );
    // Removed without a successor: looked up by nobody.
    removed.push(recordChange(`gone_${index}`, legacyShape, ["delete"], grant(`gone-${index}`), null));
    // Extended in place.
    middle.push(
      recordChange(
        `extended_${index}`,
        legacyShape,
        ["update"],
        grant(`extended-${index}`),
        grant(`extended-${index}`, { expiresAt: formatTimestamp(now + 5 * HOUR) }),
      ),
    );
    // One link of a break-glass chain: an hour each, back to back.
    middle.push(
      recordChange(
        `glass_${index}`,
        legacyShape,
        ["create"],
        null,
        grant(`glass-${index}`, {
          principal: "oncall@example.com",
          requestedBy: "oncall@example.com",
          approvedBy: [],
          breakGlass: true,
          startsAt: formatTimestamp(now + index * HOUR),
          expiresAt: formatTimestamp(now + (index + 1) * HOUR),
        }),
      ),
    );
    removed.push(filler(`removed_${index}`));
    middle.push(filler(`middle_${index}`));
    continuing.push(filler(`continuing_${index}`));
  }
  return {
    format_version: "1.2",
    timestamp: formatTimestamp(now),
    planned_values: {},
    resource_changes: [...removed, ...middle, ...continuing],
  };
}

/** The address of the login role grant `index` owns, in the shape that grant is written in. */
function roleAddress(index: number): string {
  return `${legacy(index) ? "postgresql_role" : "tempgrant_postgresql_login_role"}.grant_${index}`;
}

/** A record's change: a tempgrant_grant (snake_case attributes) or a legacy terraform_data. */
function recordChange(
  name: string,
  asLegacy: boolean,
  actions: string[],
  before: GrantRecord | null,
  after: GrantRecord | null,
): object {
  const values = (record: GrantRecord | null) =>
    record === null
      ? null
      : asLegacy
        ? { input: record }
        : { id: record.id, starts_at: null, ticket: null, ...grantRecordAttributes(record) };
  const type = asLegacy ? "terraform_data" : "tempgrant_grant";
  return change(`${type}.${name}`, type, actions, values(before), values(after));
}

function change(address: string, type: string, actions: string[], before: unknown, after: unknown): object {
  return {
    address,
    mode: "managed",
    type,
    name: address.split(".").pop(),
    change: { actions, before, after, after_unknown: after === null ? {} : { id: true } },
  };
}
