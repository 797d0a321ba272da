// The synthetic plans the check benchmark (and profiling) run on.
import { formatPostgresTimestamp, formatTimestamp, GRANT_RECORD_MARKER } from "../src/grant/index.js";

/** A plan with `grants` grants (record + login role each) and half as many unrelated resources. */
export function syntheticPlan(grants: number, now: number): object {
  const changes: object[] = [];
  const expires = now + 3_600;
  for (let index = 0; index < grants; index += 1) {
    const id = `user-${index}`;
    const role = `postgresql_role.grant_user_${index}`;
    changes.push({
      address: `terraform_data.grant_user_${index}`,
      mode: "managed",
      type: "terraform_data",
      name: `grant_user_${index}`,
      change: {
        actions: ["create"],
        before: null,
        after: {
          input: {
            tempgrant: GRANT_RECORD_MARKER,
            id,
            principal: `user${index}@example.com`,
            target: "orders-db",
            access: "read",
            expiresAt: formatTimestamp(expires),
            reason: "benchmark: reconcile ledgers",
            ticket: `BENCH-${index}`,
            requestedBy: `user${index}@example.com`,
            approvedBy: ["approver@example.com"],
            breakGlass: false,
            binding: "postgresql",
            nativeExpiry: true,
            resources: [role],
          },
        },
        after_unknown: { id: true, output: true },
      },
    });
    changes.push({
      address: role,
      mode: "managed",
      type: "postgresql_role",
      name: `grant_user_${index}`,
      change: {
        actions: ["create"],
        before: null,
        after: {
          name: `tg_user_${index}`,
          login: true,
          roles: ["orders_read"],
          valid_until: formatPostgresTimestamp(expires),
        },
        after_unknown: { id: true },
      },
    });
  }
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
