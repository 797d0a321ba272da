// The synthetic plans the check benchmark (and profiling) run on.
import { formatPostgresTimestamp, formatTimestamp, GRANT_RECORD_MARKER } from "../src/grant/index.js";

/** Options of {@link syntheticPlan}. */
export interface SyntheticPlanOptions {
  /**
   * Grants removed before they expire (record + login role each, deleted), of other people
   * than the created grants: each is looked up as a possible rename.
   */
  readonly removals?: number;
  /**
   * Who approved each grant (default one typed name). `[]` with `approvals.required: 0` gives
   * a plan every version of the checker passes, evidence or not: the fair peer across versions.
   */
  readonly approvedBy?: readonly string[];
}

/** Benchmark grant `index` of a `kind` of people: its record's input, its role's address and attributes. */
export function benchmarkGrant(
  kind: string,
  index: number,
  expires: number,
  approvedBy: readonly string[] = ["approver@example.com"],
) {
  const name = `${kind}_${index}`;
  const person = `${kind}${index}@example.com`;
  const role = `postgresql_role.grant_${name}`;
  return {
    record: {
      tempgrant: GRANT_RECORD_MARKER,
      id: `${kind}-${index}`,
      principal: person,
      target: "orders-db",
      access: "read",
      expiresAt: formatTimestamp(expires),
      reason: "benchmark: reconcile ledgers",
      ticket: `BENCH-${index}`,
      requestedBy: person,
      approvedBy,
      breakGlass: false,
      binding: "postgresql",
      nativeExpiry: true,
      resources: [role],
    },
    role,
    roleValues: {
      name: `tg_${name}`,
      login: true,
      roles: ["orders_read"],
      valid_until: formatPostgresTimestamp(expires),
    },
  };
}

/**
 * A plan with `grants` grants (record + login role each) and half as many unrelated
 * resources, and `removals` unexpired grants deleted (before them in plan order).
 */
export function syntheticPlan(grants: number, now: number, options: SyntheticPlanOptions = {}): object {
  const changes: object[] = [];
  const expires = now + 3_600;
  const grantChanges = (kind: string, index: number, removed: boolean) => {
    const name = `${kind}_${index}`;
    const { record, role, roleValues } = benchmarkGrant(kind, index, expires, options.approvedBy);
    const sides = (values: object, unknown: object) =>
      removed
        ? { actions: ["delete"], before: values, after: null, after_unknown: {} }
        : { actions: ["create"], before: null, after: values, after_unknown: unknown };
    changes.push(
      {
        address: `terraform_data.grant_${name}`,
        mode: "managed",
        type: "terraform_data",
        name: `grant_${name}`,
        change: sides({ input: record }, { id: true, output: true }),
      },
      {
        address: role,
        mode: "managed",
        type: "postgresql_role",
        name: `grant_${name}`,
        change: sides(roleValues, { id: true }),
      },
    );
  };
  for (let index = 0; index < (options.removals ?? 0); index += 1) grantChanges("removed", index, true);
  for (let index = 0; index < grants; index += 1) grantChanges("user", index, false);
  for (let index = 0; index < grants / 2; index += 1) {
    changes.push({
      address: `null_resource.other_${index}`,
      mode: "managed",
      type: "null_resource",
      name: `other_${index}`,
      change: {
        actions: ["create"],
        before: null,
        after: { triggers: { n: String(index) } },
        after_unknown: { id: true },
      },
    });
  }
  return {
    format_version: "1.2",
    timestamp: formatTimestamp(now),
    planned_values: {},
    resource_changes: changes,
  };
}
