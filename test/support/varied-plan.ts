// A plan document in `tofu show -json` shape whose grants and resources trip every shipped
// rule in turn: for tests that compare evaluations, so that equal verdicts mean something.
// Grants are written both ways a plan may hold them: tempgrant's provider (a tempgrant_grant
// record owning a tempgrant_postgresql_login_role) and the legacy shapes old states still hold
// (a terraform_data whose input is the record, owning a cyrilgdn postgresql_role).
import {
  formatPostgresTimestamp,
  formatTimestamp,
  GRANT_RECORD_MARKER,
  grantRecordAttributes,
  type GrantRecord,
} from "../../src/grant/index.js";

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
