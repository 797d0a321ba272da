import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeSigner, sshSign, allowedSignersLine, type Signer } from "../../test/support/ssh-keys.js";
import { parseAllowedSigners } from "./allowed-signers.js";
import { checkSignature } from "./signature-evidence.js";
import {
  APPROVAL_NAMESPACE,
  parseSshSignature,
  SshSignatureError,
  sshSignatureVerifies,
  verifySshSignatureAhead,
} from "./sshsig.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const OTHER = `sha256:${"cd".repeat(32)}`;
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-sshsig-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("SSHSIG made by ssh-keygen -Y sign, verified in-process", () => {
  for (const type of ["ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa"] as const) {
    it(`${type}: verifies over the signed text only, in its namespace only`, async () => {
      const signer = await makeSigner(scratch, `bob-${type}@example.com`, type);
      const signature = parseSshSignature(await sshSign(signer, DIGEST));
      expect(signature.namespace).toBe(APPROVAL_NAMESPACE);
      expect(sshSignatureVerifies(signature, DIGEST, APPROVAL_NAMESPACE)).toBe(true);
      expect(sshSignatureVerifies(signature, OTHER, APPROVAL_NAMESPACE)).toBe(false);
      expect(sshSignatureVerifies(signature, `${DIGEST}\n`, APPROVAL_NAMESPACE)).toBe(false);
      expect(sshSignatureVerifies(signature, DIGEST, "git")).toBe(false);
      // The same key signing for git: its namespace is inside what is signed.
      const git = parseSshSignature(await sshSign(signer, DIGEST, "git"));
      expect(git.namespace).toBe("git");
      expect(
        sshSignatureVerifies({ ...git, namespace: APPROVAL_NAMESPACE }, DIGEST, APPROVAL_NAMESPACE),
      ).toBe(false);
    });
  }

  it("a flipped bit in the signature never verifies; garbage is refused with a reason", async () => {
    const signer = await makeSigner(scratch, "carol@example.com");
    const signature = parseSshSignature(await sshSign(signer, DIGEST));
    const flipped = Buffer.from(signature.signature);
    flipped.writeUInt8(flipped.readUInt8(10) ^ 0x01, 10);
    expect(sshSignatureVerifies({ ...signature, signature: flipped }, DIGEST, APPROVAL_NAMESPACE)).toBe(
      false,
    );
    expect(() => parseSshSignature("hello")).toThrow(SshSignatureError);
    expect(() =>
      parseSshSignature("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----"),
    ).toThrow(/malformed signature: truncated/);
  });
});

describe("signatures verified ahead on the thread pool", () => {
  it("give the answers verifying on the spot gives: a tampered message or signature never verifies", async () => {
    const signer = await makeSigner(scratch, "dave@example.com");
    const signature = parseSshSignature(await sshSign(signer, DIGEST));
    const flipped = { ...signature, signature: Buffer.from(signature.signature) };
    flipped.signature.writeUInt8(flipped.signature.readUInt8(10) ^ 0x01, 10);
    const cases: [typeof signature, string, boolean][] = [
      [signature, DIGEST, true],
      [signature, OTHER, false],
      [flipped, DIGEST, false],
      [flipped, OTHER, false],
    ];
    await Promise.all(
      cases.map(([sig, message]) => verifySshSignatureAhead(sig, message, APPROVAL_NAMESPACE)),
    );
    // Asked twice: the second finds the first outcome, and still answers the same.
    await Promise.all(
      cases.map(([sig, message]) => verifySshSignatureAhead(sig, message, APPROVAL_NAMESPACE)),
    );
    for (const [sig, message, valid] of cases)
      expect(sshSignatureVerifies(sig, message, APPROVAL_NAMESPACE)).toBe(valid);
    // Another namespace is never verified ahead, and never verifies.
    await verifySshSignatureAhead(signature, DIGEST, "git");
    expect(sshSignatureVerifies(signature, DIGEST, "git")).toBe(false);
  });
});

describe("checkSignature: the allowed-signers file decides whose key counts, when and where", () => {
  let bob: Signer;
  let eve: Signer;
  const now = Date.UTC(2027, 0, 12) / 1000;
  const check = async (
    lines: string[],
    signer: Signer,
    options: { digest?: string; namespace?: string; claimedBy?: string } = {},
  ) => {
    const signers = parseAllowedSigners(lines.join("\n"), "allowed_signers");
    const signature = await sshSign(signer, DIGEST, options.namespace);
    return checkSignature(
      { kind: "signature", claimedBy: options.claimedBy ?? signer.person, signature, source: "bob.sig" },
      options.digest ?? DIGEST,
      signers,
      now,
      { "robert@example.com": "bob@example.com" },
    );
  };

  it("counts a key listed for the person, valid now, in the namespace", async () => {
    bob = await makeSigner(scratch, "bob@example.com");
    eve = await makeSigner(scratch, "eve@example.com");
    expect(await check([allowedSignersLine(bob)], bob)).toEqual({ ok: true, person: "bob@example.com" });
    expect(
      await check(
        [
          allowedSignersLine(
            bob,
            'namespaces="git,tempgrant-grant",valid-after="20270101Z",valid-before="202702010000Z"',
          ),
        ],
        bob,
      ),
    ).toEqual({ ok: true, person: "bob@example.com" });
    // Two names of one key that tempgrant.yaml's aliases make one person: still one person.
    expect(
      await check(
        [`"bob@example.com,robert@example.com" ${bob.publicKey.split(" ").slice(0, 2).join(" ")}`],
        bob,
      ),
    ).toEqual({ ok: true, person: "bob@example.com" });
    // An alias in tempgrant.yaml names the same person.
    expect(await check([allowedSignersLine(bob)], bob, { claimedBy: "robert@example.com" })).toMatchObject({
      ok: true,
    });
  });

  it("refuses each failure with a reason naming it", async () => {
    const reason = async (...args: Parameters<typeof check>) => {
      const outcome = await check(...args);
      expect(outcome.ok).toBe(false);
      return outcome.ok ? "" : outcome.reason;
    };
    expect(await reason([allowedSignersLine(bob)], eve)).toMatch(
      /^key SHA256:\S+ is not in allowed_signers$/,
    );
    expect(await reason([allowedSignersLine(eve)], eve, { claimedBy: "bob@example.com" })).toMatch(
      /is listed for eve@example.com, not for bob@example.com/,
    );
    expect(await reason([allowedSignersLine(bob)], bob, { digest: OTHER })).toMatch(
      /does not verify over the grant's current digest sha256:cdcd/,
    );
    expect(await reason([allowedSignersLine(bob)], bob, { namespace: "git" })).toBe(
      'signed in namespace "git", not "tempgrant-grant"',
    );
    expect(await reason([allowedSignersLine(bob, 'namespaces="git"')], bob)).toMatch(
      /may not sign in namespace "tempgrant-grant" \(allowed_signers:1\)/,
    );
    expect(await reason([allowedSignersLine(bob, 'valid-before="20270101Z"')], bob)).toMatch(
      /is valid only until 2027-01-01T00:00:00Z, not at 2027-01-12T00:00:00Z/,
    );
    expect(await reason([allowedSignersLine(bob, 'valid-after="20270201Z"')], bob)).toMatch(
      /is valid only from 2027-02-01T00:00:00Z/,
    );
    // One key listed for two people (a requester could approve as a colleague): refused.
    expect(
      await reason(
        [allowedSignersLine(bob), `carol@example.com ${bob.publicKey.split(" ").slice(0, 2).join(" ")}`],
        bob,
      ),
    ).toMatch(/is listed for more than one person \(bob@example.com, carol@example.com\) in allowed_signers/);
    const signature = await sshSign(bob, DIGEST);
    const outcome = checkSignature(
      { kind: "signature", claimedBy: "bob", signature, source: "x" },
      DIGEST,
      undefined,
      now,
      {},
    );
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/no allowed-signers file/) });
  });

  it("refuses allowed-signers lines it would have to guess about, naming the line", async () => {
    const refused = (line: string) => {
      try {
        parseAllowedSigners(`# comment\n\n${line}`, "allowed_signers");
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    };
    expect(refused(`bob@example.com cert-authority ${bob.publicKey}`)).toBe(
      "allowed_signers line 3: cert-authority is not supported: list each approver's own key",
    );
    expect(refused(`*@example.com ${bob.publicKey}`)).toMatch(
      /line 3: principal "\*@example.com" is a pattern/,
    );
    expect(refused(`bob@example.com valid-after="20270101" ${bob.publicKey}`)).toMatch(
      /has no zone: append Z/,
    );
    expect(refused(`bob@example.com valid-after="20271301Z" ${bob.publicKey}`)).toMatch(/is not a real time/);
    expect(refused(`bob@example.com no-touch-required ${bob.publicKey}`)).toMatch(
      /unknown option "no-touch-required"/,
    );
    expect(refused(`bob@example.com ssh-ed25519 AAAAinvalid`)).toMatch(/line 3: key: /);
    expect(refused(`bob@example.com ssh-rsa ${bob.publicKey.split(" ")[1]}`)).toMatch(
      /the key is ssh-ed25519, but the line says ssh-rsa/,
    );
    // Two principals on one key, quoted as OpenSSH allows.
    const signers = parseAllowedSigners(`"bob@example.com,robert@example.com" ${bob.publicKey} laptop`, "f");
    expect(signers.signers[0]?.principals).toEqual(["bob@example.com", "robert@example.com"]);
  });
});
