// Evidence benchmark (`npm run bench:check -- --evidence [--grants 10000] [--runs 3]
// [--baseline-cli DIR]`): the cost of verifying approvals in `tempgrant check`. Every grant of
// the synthetic plan carries two SSH signatures (ed25519, SSHSIG) over its digest, filed as
// `tempgrant approve` files them; the check verifies all of them. Timed against the same
// check with no evidence to read, and, with --baseline-cli, against a CLI bundled from a tree
// without evidence checking (the overhead the issue measures).
// The signatures are made in-process (node:crypto) in the SSHSIG layout ssh-keygen writes:
// 20,000 ssh-keygen processes would take minutes; the tests prove the format with ssh-keygen.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sshString } from "../src/approval/ssh-wire.js";
import { APPROVAL_NAMESPACE } from "../src/approval/sshsig.js";
import { checkPlanShape, toPolicyInput } from "../src/plan/index.js";
import { syntheticPlan } from "./synthetic-plan.js";

interface BenchKey {
  readonly person: string;
  readonly privateKey: KeyObject;
  readonly blob: Buffer;
}

function benchKey(person: string): BenchKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from((publicKey.export({ format: "jwk" }) as { x: string }).x, "base64url");
  return { person, privateKey, blob: Buffer.concat([sshString("ssh-ed25519"), sshString(raw)]) };
}

/** An armored SSHSIG over `message`, laid out as `ssh-keygen -Y sign` writes it. */
function sshsig(key: BenchKey, message: string): string {
  const magic = Buffer.from("SSHSIG");
  const hash = createHash("sha512").update(message).digest();
  const signed = Buffer.concat([
    magic,
    sshString(APPROVAL_NAMESPACE),
    sshString(""),
    sshString("sha512"),
    sshString(hash),
  ]);
  const signature = Buffer.concat([sshString("ssh-ed25519"), sshString(sign(null, signed, key.privateKey))]);
  const version = Buffer.alloc(4);
  version.writeUInt32BE(1);
  const blob = Buffer.concat([
    magic,
    version,
    sshString(key.blob),
    sshString(APPROVAL_NAMESPACE),
    sshString(""),
    sshString("sha512"),
    sshString(signature),
  ]);
  const lines = blob.toString("base64").match(/.{1,70}/g) ?? [];
  return `-----BEGIN SSH SIGNATURE-----\n${lines.join("\n")}\n-----END SSH SIGNATURE-----\n`;
}

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
        mkdirSync(join(signatures, grantId), { recursive: true });
        for (const key of keys)
          writeFileSync(join(signatures, grantId, `${key.person}.sig`), sshsig(key, digest!));
        return { approvers: [], problems: [] };
      },
    },
  });
  writeFileSync(
    join(scratch, "allowed_signers"),
    keys.map((key) => `${key.person} ssh-ed25519 ${key.blob.toString("base64")}`).join("\n") + "\n",
  );
  const config = join(scratch, "evidence.yaml");
  writeFileSync(config, "approvals:\n  allowed: ['*@example.com']\n  allowedSigners: allowed_signers\n");
  // For a CLI from before approvals were evidence, which knows no allowedSigners setting.
  writeFileSync(join(scratch, "baseline.yaml"), "approvals:\n  allowed: ['*@example.com']\n");
  return { planPath, signatures, config };
}
