import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/**
 * Makes a PostgreSQL SCRAM-SHA-256 verifier from a password: the public value a grant's
 * `credential` holds, so the password itself never enters code, plans or state.
 * Format (RFC 5803, as PostgreSQL stores it): SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.
 * Passwords are used as given (ASCII is exact; PostgreSQL applies SASLprep to others).
 */
export function scramVerifier(
  password: string,
  options: { iterations?: number; salt?: Buffer } = {},
): string {
  const iterations = options.iterations ?? 4096;
  const salt = options.salt ?? randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
