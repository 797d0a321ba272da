import { targetExpiryBearing, targetNativeExpiry } from "../targets/registry.js";

/**
 * The expiry a target resource enforces by itself, read from its planned values by its
 * target's reader, as epoch seconds; undefined when it has none (or an unbounded one, or one
 * tempgrant cannot read). Parsed here, in TypeScript, because the WASM runtime has no time functions.
 */
export function nativeExpiryOf(type: string, after: unknown): number | undefined {
  if (typeof after !== "object" || after === null) return undefined;
  return targetNativeExpiry(type, after as Record<string, unknown>);
}

/**
 * Whether a resource is one whose native expiry tempgrant reads: a PostgreSQL login role
 * (tempgrant's provider or cyrilgdn's), an AWS managed or inline policy, a GCP IAM member,
 * binding or policy. Membership roles (no login) are not.
 */
export function isExpiryBearing(type: string, after: unknown): boolean {
  const values = typeof after === "object" && after !== null ? (after as Record<string, unknown>) : {};
  return targetExpiryBearing(type, values);
}
