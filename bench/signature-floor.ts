// The floor under approval evidence: what verifying one ed25519 signature costs in this Node
// (node:crypto, OpenSSL), with nothing of tempgrant around it, next to what the issue's
// budget allows per signature. Usage: npx tsx bench/signature-floor.ts [--signatures 20000]
// [--check-seconds 0.84] (the unloaded 10k-grant check time the 15% budget is taken of).
import { generateKeyPairSync, randomBytes, sign, verify } from "node:crypto";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? (args[index + 1] as string) : fallback;
};
const count = Number(option("--signatures", "20000"));
const checkSeconds = Number(option("--check-seconds", "0.84"));

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
// SSHSIG signs a 6-byte magic, the namespace, the hash name and a SHA-512: about 100 bytes.
const signed = Array.from({ length: count }, () => {
  const message = randomBytes(100);
  return { message, signature: sign(null, message, privateKey) };
});

const rounds: number[] = [];
for (let round = 0; round < 3; round += 1) {
  const started = process.hrtime.bigint();
  let valid = 0;
  for (const { message, signature } of signed) if (verify(null, message, publicKey, signature)) valid += 1;
  if (valid !== count) throw new Error(`only ${valid} of ${count} signatures verified`);
  rounds.push(Number(process.hrtime.bigint() - started) / 1e9);
}
const best = Math.min(...rounds);
const budget = (checkSeconds * 0.15) / count;
console.log(`node ${process.versions.node}, OpenSSL ${process.versions.openssl}`);
console.log(
  `ed25519 verify, one thread: ${((best / count) * 1e6).toFixed(1)} us per signature, ` +
    `${count} signatures ${best.toFixed(2)} s (best of ${rounds.length})`,
);
console.log(
  `budget: +15% of a ${checkSeconds} s check over ${count} signatures = ${(budget * 1e6).toFixed(1)} us per signature` +
    `: the floor is ${(best / count / budget).toFixed(0)}x the budget on one thread, ${(best / count / budget / 2).toFixed(0)}x with two cores verifying`,
);
