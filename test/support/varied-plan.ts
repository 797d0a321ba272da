// A plan document in `tofu show -json` shape whose grants and resources trip every shipped
// rule in turn: for tests that compare evaluations, so that equal verdicts mean something.
import { formatPostgresTimestamp, formatTimestamp, GRANT_RECORD_MARKER } from "../../src/grant/index.js";

const HOUR = 3_600;

interface RecordOverrides {
  readonly [field: string]: unknown;
}

/** `count` grants (a record and a login role each) plus standing access and rename pairs, at `now`. */
export function variedPlan(count: number, now: number): object {
  const changes: object[] = [];
  const record = (index: number, overrides: RecordOverrides = {}) => ({
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
    resources: [`postgresql_role.grant_${index}`],
    ...overrides,
  });
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
    const input = record(index, problem(index));
    const expiry = index % 13 === 0 ? now + 5 * HOUR : now + HOUR;
    changes.push(change(`terraform_data.grant_${index}`, "terraform_data", ["create"], null, { input }));
    changes.push(
      change(`postgresql_role.grant_${index}`, "postgresql_role", ["create"], null, {
        name: `tg_${index}`,
        login: true,
        roles: index % 17 === 0 ? ["orders_read", "rds_superuser"] : ["orders_read"],
        superuser: index % 19 === 0,
        valid_until: formatPostgresTimestamp(expiry),
      }),
    );
  }
  // Renaming to restart the clock: an unexpired record removed, a later one for the same access created.
  for (let index = 0; index < Math.ceil(count / 20); index += 1) {
    const old = record(10_000 + index, { id: `old-${index}`, resources: [] });
    changes.push(change(`terraform_data.old_${index}`, "terraform_data", ["delete"], { input: old }, null));
    const renamed = record(10_000 + index, {
      id: `renamed-${index}`,
      resources: [],
      expiresAt: formatTimestamp(now + 2 * HOUR),
    });
    changes.push(
      change(`terraform_data.renamed_${index}`, "terraform_data", ["create"], null, { input: renamed }),
    );
  }
  // Expiries only known after apply.
  for (let index = 0; index < Math.ceil(count / 25); index += 1) {
    const unknown = change(`terraform_data.later_${index}`, "terraform_data", ["create"], null, {
      input: record(20_000 + index, { id: `later-${index}`, resources: [] }),
    }) as { change: { after_unknown: unknown } };
    unknown.change.after_unknown = { id: true, input: { expiresAt: true } };
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

function change(address: string, type: string, actions: string[], before: unknown, after: unknown): object {
  return {
    address,
    mode: "managed",
    type,
    name: address.split(".").pop(),
    change: { actions, before, after, after_unknown: after === null ? {} : { id: true } },
  };
}
