import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { grantDigest } from "../../src/approval/digest.js";
import { parseAllowedSigners } from "../../src/approval/allowed-signers.js";
import { EvidenceSet } from "../../src/approval/evidence-set.js";
import type { SignatureEvidence } from "../../src/approval/signature-evidence.js";
import { APPROVAL_NAMESPACE } from "../../src/approval/sshsig.js";
import type { ApprovalCheck } from "../../src/plan/policy-input.js";
import { nameProblems } from "../../src/grant/identity.js";
import { parseGrantsFile } from "../../src/grant/index.js";
import { SSH_KEYGEN } from "./ssh-keys.js";

/** The tempgrant.yaml lines that name a test project's allowed-signers file. */
export const EVIDENCE_CONFIG = "approvals:\n  allowedSigners: allowed_signers\n";

/** One ed25519 key per approver, made once per test process by ssh-keygen. */
const keys = new Map<string, { keyFile: string; publicKey: string }>();
let keyDir: string | undefined;

function keyOf(person: string): { keyFile: string; publicKey: string } {
  let key = keys.get(person);
  if (!key) {
    keyDir ??= mkdtempSync(join(tmpdir(), "tempgrant-approver-keys-"));
    const keyFile = join(keyDir, `key-${keys.size}`);
    run(["-q", "-t", "ed25519", "-N", "", "-C", person, "-f", keyFile]);
    const publicKey = readFileSync(`${keyFile}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
    key = { keyFile, publicKey };
    keys.set(person, key);
  }
  return key;
}

/** Signatures already made, by person and text: projects rewrite their grants often (the simulation). */
const signatures = new Map<string, string>();

/** A person's signature over a text, made once by `ssh-keygen -Y sign`. */
function signOnce(person: string, text: string): string {
  const cacheKey = `${person}\n${text}`;
  let signature = signatures.get(cacheKey);
  if (signature === undefined) {
    signature = run(["-Y", "sign", "-f", keyOf(person).keyFile, "-n", APPROVAL_NAMESPACE], text);
    signatures.set(cacheKey, signature);
  }
  return signature;
}

function run(args: string[], input?: string): string {
  const result = spawnSync(SSH_KEYGEN, args, { input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ssh-keygen ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Turns what a test project's grants ask for into real evidence, as approvers would give it:
 * for every valid grant in `<project>/grants/*.yaml`, each person in its approvedBy signs the
 * grant's digest with `ssh-keygen -Y sign` (a key of their own, made by ssh-keygen), filed as
 * `approvals/<grant-id>/<person>.sig`; their keys go in `allowed_signers`, which
 * `tempgrant.yaml` names ({@link EVIDENCE_CONFIG}) unless it names one already. Earlier signatures are removed
 * first: evidence is for this content only.
 */
export function approveDeclaredGrants(projectDir: string): void {
  const listed: ListedGrant[] = [];
  const grantsDir = join(projectDir, "grants");
  const files = existsSync(grantsDir) ? readdirSync(grantsDir).filter((name) => /\.ya?ml$/.test(name)) : [];
  for (const name of files) {
    const path = join(grantsDir, name);
    for (const entry of parseGrantsFile(readFileSync(path, "utf8"), path).entries) {
      if (entry.grant) listed.push({ ...entry.grant, digest: grantDigest(entry.grant) });
    }
  }
  approveListedGrants(projectDir, listed);
}

/** A grant as `tempgrant grants --format json` lists it: its id, whom it asks, its digest. */
export interface ListedGrant {
  readonly id: string;
  readonly approvedBy: readonly string[];
  readonly digest: string;
}

/**
 * Files, for each listed grant, a signature by each person it asks for over its digest
 * (`approvals/<id>/<person>.sig`), lists their keys in `allowed_signers` and names that file
 * in `tempgrant.yaml`; see {@link approveDeclaredGrants}. Use the listing of `tempgrant grants
 * --app --format json` for grants declared in TypeScript.
 */
export function approveListedGrants(projectDir: string, grants: readonly ListedGrant[]): void {
  const folder = join(projectDir, "approvals");
  rmSync(folder, { recursive: true, force: true });
  const people = new Set<string>();
  for (const grant of grants) {
    for (const person of grant.approvedBy) {
      people.add(person);
      const signature = run(
        ["-Y", "sign", "-f", keyOf(person).keyFile, "-n", APPROVAL_NAMESPACE],
        grant.digest,
      );
      mkdirSync(join(folder, grant.id), { recursive: true });
      writeFileSync(join(folder, grant.id, `${person}.sig`), signature);
    }
  }
  // Quoted: a principal may hold blanks (grant-text tests use hostile names).
  const lines = [...people].map((person) => `"${person}" ${keyOf(person).publicKey}`);
  writeFileSync(join(projectDir, "allowed_signers"), `${lines.join("\n")}\n`);
  const config = join(projectDir, "tempgrant.yaml");
  // A test's own tempgrant.yaml is kept; the allowed-signers setting is added to it.
  const text = existsSync(config) ? readFileSync(config, "utf8") : "";
  if (!text.includes("allowedSigners:")) writeFileSync(config, `${text}${EVIDENCE_CONFIG}`);
}

/**
 * Approval evidence for plans a test writes by hand: every person a planned record asks for
 * in approved_by signs, with `ssh-keygen -Y sign` and a real key of their own, the digest
 * tempgrant recomputes from that record, and tempgrant verifies the signatures as it would
 * files in a project (src/approval/evidence-set.ts). `except` lists people who do not sign
 * (their approval must then be denied for want of evidence); `overDigest` makes someone sign
 * other content (an old digest) instead.
 */
export function askedApproversSign(
  options: {
    readonly aliases?: Readonly<Record<string, string>>;
    readonly now?: number;
    readonly except?: readonly string[];
    readonly overDigest?: Readonly<Record<string, string>>;
  } = {},
): ApprovalCheck {
  return {
    people: [],
    check(grantId, digest, requested) {
      const evidence: SignatureEvidence[] = [];
      for (const name of requested) {
        const person = String(name);
        // A name no allowed-signers file can hold (invisible characters, blank) signs nothing.
        if (options.except?.includes(person) || digest === null || nameProblems("p", person).length > 0)
          continue;
        const signature = signOnce(person, options.overDigest?.[person] ?? digest);
        evidence.push({
          kind: "signature",
          claimedBy: person,
          signature,
          source: `${grantId}/${person}.sig`,
        });
      }
      const lines = [...keys].map(([person, key]) => `"${person}" ${key.publicKey}`).join("\n");
      return new EvidenceSet({
        signatures: new Map([[grantId, evidence]]),
        signers: parseAllowedSigners(lines, "allowed_signers"),
        githubAccounts: {},
        now: options.now ?? Math.floor(Date.now() / 1000),
        aliases: options.aliases ?? {},
      }).check(grantId, digest, requested);
    },
  };
}
