// Evidence benchmark (`npm run bench:check -- --evidence [--grants 10000] [--runs 3]
// [--baseline-cli DIR]`): the cost of verifying approvals in `tempgrant check`. Every grant of
// the synthetic plan carries two SSH signatures (ed25519, SSHSIG) over its digest, filed as
// `tempgrant approve` files them; the check verifies all of them. Timed against the same
// check with no evidence to read, and, with --baseline-cli, against a CLI bundled from a tree
// without evidence checking (the overhead the issue measures).
// The signatures are made in-process (bench/approval-signatures.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkPlanShape, toPolicyInput } from "../src/plan/index.js";
import { allowedSigners, benchKey, fileSignature } from "./approval-signatures.js";
import { syntheticPlan } from "./synthetic-plan.js";

/**
 * Writes the plan, the two approvers' signatures of every grant, the allowed-signers file and
 * tempgrant.yaml into `scratch`; returns the paths the checks take.
 */
export function evidenceFixture(
  scratch: string,
  grants: number,
  now: number,
): { planPath: string; signatures: string; config: string } {
  const plan = syntheticPlan(grants, now);
  const planPath = join(scratch, `evidence-plan-${grants}.json`);
  writeFileSync(planPath, JSON.stringify(plan));
  const keys = [benchKey("approver@example.com"), benchKey("second@example.com")];
  const signatures = join(scratch, `approvals-${grants}`);
  // The digests tempgrant recomputes from each planned record: sign exactly those.
  toPolicyInput(checkPlanShape(plan, planPath), {
    fallbackNow: now,
    aliases: {},
    approvals: {
      people: [],
      check(grantId, digest) {
        for (const key of keys) fileSignature(signatures, grantId, key, digest!);
        return { approvers: [], problems: [] };
      },
    },
  });
  writeFileSync(join(scratch, "allowed_signers"), allowedSigners(keys));
  const config = join(scratch, "evidence.yaml");
  writeFileSync(config, "approvals:\n  allowed: ['*@example.com']\n  allowedSigners: allowed_signers\n");
  // For a CLI from before approvals were evidence, which knows no allowedSigners setting.
  writeFileSync(join(scratch, "baseline.yaml"), "approvals:\n  allowed: ['*@example.com']\n");
  return { planPath, signatures, config };
}
