import type { GrantedScope } from "./target-module.js";

/** The scope of a resource that grants nothing. */
export const EMPTY_SCOPE: GrantedScope = Object.freeze({ privileges: [], roles: [], flags: [] });

/** `wide` is left out when empty: most resources have none, and the policy input stays small. */
export function withWide(scope: GrantedScope, wide: readonly string[]): GrantedScope {
  return wide.length > 0 ? { ...scope, wide: [...new Set(wide)] } : scope;
}

/** The strings of an attribute that holds one string or a list of them. */
export function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : typeof value === "string"
      ? [value]
      : [];
}

/** GRANT OPTION, however a provider spells it: the holder may pass the access on. */
export function grantOption(values: Record<string, unknown>): string[] {
  return values.with_grant_option === true || values.grant === true || values.grant_option === true
    ? ["grant_option"]
    : [];
}

/** Whether an attribute path (`policy`, `grant[0].uri`, as after_unknown is flattened) is `attribute` or inside it. */
export function isPathIn(path: string, attribute: string): boolean {
  return path === attribute || path.startsWith(`${attribute}.`) || path.startsWith(`${attribute}[`);
}

/**
 * Whether a flag is set: `true`, or the text "true" (a plan read from elsewhere, a provider
 * that writes its booleans as strings).
 */
export function isSet(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.trim().toLowerCase() === "true");
}
