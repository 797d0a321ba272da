import { formatTimestamp } from "../../src/grant/index.js";
import { aliceRecord } from "./grant-record.js";
import { checkPlanShape, DEFAULT_PRIVILEGED_TYPES, toPolicyInput } from "../../src/plan/index.js";
import type { ApprovalCheck } from "../../src/plan/policy-input.js";
import { loadPolicyEngine, type CheckConfig, type PolicyEngine } from "../../src/policy/index.js";
import { askedApproversSign } from "./approve-grants.js";

/**
 * Checks crafted plan documents in process, through the real compiled bundle, as
 * `tempgrant check` builds the policy input: the default privileged types, and every approver
 * a record asks for signing its current digest (unless `approvals` says otherwise), so that
 * only the rule a test is about decides. The engine is loaded once, on first use.
 */
export function planDenials(config: CheckConfig, now: () => number) {
  let engine: Promise<PolicyEngine> | undefined;
  const aliases = config.policy.approvals.aliases;
  /** The distinct denials of a plan, as "rule: message", sorted. */
  return async (
    doc: unknown,
    approvals: ApprovalCheck = askedApproversSign({ aliases }),
  ): Promise<string[]> => {
    engine ??= loadPolicyEngine(config.policy);
    const verdicts = await (
      await engine
    ).evaluate(
      toPolicyInput(checkPlanShape(doc, "test"), {
        fallbackNow: now(),
        aliases,
        privilegedTypes: DEFAULT_PRIVILEGED_TYPES,
        approvals,
      }),
    );
    return [...new Set(verdicts.deny.map((v) => `${v.rule}: ${v.message}`))].sort();
  };
}

/** The message of `scope/no-wildcard` for a resource that grants `what`. */
export const tooWide = (address: string, what: string) =>
  `scope/no-wildcard: ${address} grants ${what}; narrow it, or list it in scope.allow in tempgrant.yaml`;

/** The message of `unmanaged/privileged-without-grant` for a resource outside any grant. */
export const noGrant = (address: string, type: string) =>
  `unmanaged/privileged-without-grant: ${address} (${type}) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry`;

/** A resource change the plan creates, as tofu writes one (`address` ends in the name). */
export function created(address: string, type: string, after: object, afterUnknown: object = {}) {
  return {
    address,
    mode: "managed",
    type,
    name: address.split(".").pop(),
    change: { actions: ["create"], before: null, after, after_unknown: afterUnknown },
  };
}

/** A plan document at `now` (epoch seconds) with these resource changes. */
export function planAt(now: number, changes: object[]) {
  return {
    format_version: "1.2",
    timestamp: formatTimestamp(now),
    planned_values: {},
    resource_changes: changes,
  };
}

/**
 * A plan at `now` creating alice's read grant on `prod` (a legacy terraform_data record,
 * expiring an hour later, of `binding`) that owns `changes`, and those changes.
 */
export function grantedAt(
  now: number,
  binding: { kind: string; nativeExpiry: boolean },
  changes: { address: string }[],
) {
  return planAt(now, [
    created("terraform_data.grant", "terraform_data", {
      input: aliceRecord({
        id: "alice-read",
        target: "prod",
        expiresAt: formatTimestamp(now + 3_600),
        ticket: "INC-42",
        binding: binding.kind,
        nativeExpiry: binding.nativeExpiry,
        resources: changes.map((change) => change.address),
      }),
    }),
    ...changes,
  ]);
}

/** The message of `scope/grantee-is-principal` for alice's grant ({@link grantedAt}) giving access to `grantee`. */
export const notPrincipal = (address: string, grantee: string) =>
  `scope/grantee-is-principal: ${address} of grant alice-read gives access to "${grantee}", not to the grant's principal alice@example.com: a grant's access goes to the person approved`;

/** The message of `unknown/known-at-plan` for `path` of a resource. */
export const unknownAtPlan = (address: string, type: string, path: string) =>
  `unknown/known-at-plan: ${address} (${type}): ${path} is known only after apply; access must be decided when the plan is checked`;

/**
 * Plans at `now`: `granted`, of one grant record of `binding` owning the changes (see
 * {@link grantedAt}); `standing`, of the changes alone, with no grant record.
 */
export function plansAt(now: number, binding: { kind: string; nativeExpiry: boolean }) {
  return {
    granted: (...changes: { address: string }[]) => grantedAt(now, binding, changes),
    standing: (...changes: object[]) => planAt(now, changes),
  };
}

/** A created `aws_iam_role.ci` whose trust policy lets the web identity `federated` in under `condition`. */
export function webIdentityRole(federated: string, condition?: object) {
  return created("aws_iam_role.ci", "aws_iam_role", {
    name: "ci",
    assume_role_policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: federated },
          Action: "sts:AssumeRoleWithWebIdentity",
          ...(condition ? { Condition: condition } : {}),
        },
      ],
    }),
  });
}
