import { awsIamTarget } from "./aws-iam/index.js";
import { customTarget } from "./custom/index.js";
import { gcpIamTarget } from "./gcp-iam/index.js";
import { kubernetesTarget } from "./kubernetes/index.js";
import { postgresqlTarget } from "./postgresql/index.js";
import type { TargetCheck, TargetCheckResult } from "./target-check.js";
import type { GrantedScope, PlanReaders, ScopeContext, TargetModule } from "./target-module.js";

/**
 * Every target tempgrant knows. Adding one is a folder under src/targets/ and a line here;
 * registry.test.ts holds each to the contract in target-module.ts. The plan's readers ask
 * them in this order, and a type belongs to one target only.
 */
export const TARGET_MODULES: readonly TargetModule[] = [
  postgresqlTarget,
  awsIamTarget,
  gcpIamTarget,
  kubernetesTarget,
  customTarget,
];

const READERS: readonly PlanReaders[] = TARGET_MODULES.map((target) => target.readers);

/** The privileged type globs of every target, in registry order. */
export const TARGET_PRIVILEGED_TYPES: readonly string[] = READERS.flatMap(
  (readers) => readers.privilegedTypes,
);

/** Resource type -> the attribute carrying a grant's credential, over every target. */
export const TARGET_CREDENTIAL_ATTRIBUTES: Readonly<Record<string, string>> = Object.assign(
  {},
  ...READERS.map((readers) => readers.credentialAttributes),
);

/** Whether a target finds the resource privileged by what it holds. */
export function privilegedByTargetContent(type: string, values: Record<string, unknown>): boolean {
  return READERS.some((readers) => readers.privilegedByContent(type, values));
}

/** The scope the target of this type reads; undefined when no target reads the type. */
export function targetScope(
  type: string,
  values: Record<string, unknown>,
  context?: ScopeContext,
): GrantedScope | undefined {
  for (const readers of READERS) {
    const scope = readers.scope(type, values, context);
    if (scope !== undefined) return scope;
  }
  return undefined;
}

/** The attributes the target of this type reads as scope. */
export function targetScopeAttributes(type: string): readonly string[] {
  return READERS.flatMap((readers) => readers.scopeAttributes(type));
}

/** The native expiry the target of this type reads (epoch seconds); undefined for none. */
export function targetNativeExpiry(type: string, values: Record<string, unknown>): number | undefined {
  for (const readers of READERS) {
    const expiry = readers.nativeExpiry(type, values);
    if (expiry !== undefined) return expiry;
  }
  return undefined;
}

/** Whether the target of this type reads a native expiry from it. */
export function targetExpiryBearing(type: string, values: Record<string, unknown>): boolean {
  return READERS.some((readers) => readers.expiryBearing(type, values));
}

/** The attributes holding the native expiry of this type. */
export function targetExpiryAttributes(type: string): readonly string[] {
  return READERS.flatMap((readers) => readers.expiryAttributes(type));
}

/**
 * The sweep's checks inside every target that has one, as one check: each target's check
 * picks the revoked grants of its own kind.
 */
export function targetChecks(env: NodeJS.ProcessEnv = process.env): TargetCheck {
  const checks = TARGET_MODULES.flatMap((target) => (target.check ? [target.check(env)] : []));
  return {
    async beforeApply(revoked) {
      const finishes: (() => Promise<TargetCheckResult[]>)[] = [];
      for (const check of checks) finishes.push(await check.beforeApply(revoked));
      return async () => {
        const results: TargetCheckResult[] = [];
        for (const finish of finishes) results.push(...(await finish()));
        return results;
      };
    },
  };
}
