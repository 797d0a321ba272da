import { CustomTarget, type TemporaryGrantProps } from "../../src/constructs/index.js";
import { formatTimestamp } from "../../src/grant/index.js";

/**
 * A target whose "access" is a built-in terraform_data per grant, so real tofu plans and
 * applies grants with no provider but tempgrant's own (for the grant's `tempgrant_grant`
 * record, from the toolchain's mirror) and no database.
 */
export const builtinTarget = new CustomTarget({
  name: "ledger-db",
  kind: "builtin",
  resources: (grant) => [
    { type: "terraform_data", suffix: "access", attributes: { input: grant.principal } },
  ],
});

/** A grant on {@link builtinTarget} with the given window (epoch seconds), approved by someone else. */
export function builtinGrant(
  id: string,
  window: { startsAt?: number; expiresAt: number },
  overrides: Partial<TemporaryGrantProps> = {},
): TemporaryGrantProps {
  return {
    id,
    principal: `${id}@example.com`,
    target: builtinTarget,
    access: "read",
    ...(window.startsAt !== undefined ? { startsAt: formatTimestamp(window.startsAt) } : {}),
    expiresAt: formatTimestamp(window.expiresAt),
    reason: "a test grant on built-in resources",
    requestedBy: "tester@example.com",
    approvedBy: ["approver@example.com"],
    ...overrides,
  };
}
