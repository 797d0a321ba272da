import { awsIamTarget } from "./aws-iam/index.js";
import { customTarget } from "./custom/index.js";
import { gcpIamTarget } from "./gcp-iam/index.js";
import { kubernetesTarget } from "./kubernetes/index.js";
import { postgresqlTarget } from "./postgresql/index.js";
import type { ConfigReference, RelationHooks } from "./relation-hooks.js";
import type { TargetCheck, TargetCheckResult } from "./target-check.js";
import type { GrantedScope, PlanReaders, ScopeContext, TargetModule } from "./target-module.js";
import { vaultReaders } from "./vault/plan-readers.js";

/**
 * Every target tempgrant knows. Adding one is a folder under src/targets/ and a line here;
 * registry.test.ts holds each to the contract in target-module.ts. A resource type belongs
 * to one target at most (its `reads`); the plan's readers ask that target's.
 */
export const TARGET_MODULES: readonly TargetModule[] = [
  postgresqlTarget,
  awsIamTarget,
  gcpIamTarget,
  kubernetesTarget,
  customTarget,
];

/** The targets' readers, and those of systems tempgrant reads in plans but binds no target to (Vault). */
const READERS: readonly PlanReaders[] = [...TARGET_MODULES.map((target) => target.readers), vaultReaders];

/** The privileged type globs of every target, in registry order. */
export const TARGET_PRIVILEGED_TYPES: readonly string[] = READERS.flatMap(
  (readers) => readers.privilegedTypes,
);

/** Resource type -> the attribute carrying a grant's credential, over every target. */
export const TARGET_CREDENTIAL_ATTRIBUTES: Readonly<Record<string, string>> = Object.assign(
  {},
  ...READERS.map((readers) => readers.credentialAttributes),
);

/** Type -> the readers of the target that reads it (null: none), found once per type. */
const readersByType = new Map<string, PlanReaders | null>();
/** A plan names few types; a plan naming very many does not grow the cache past this. */
const MAX_CACHED_TYPES = 10_000;

/** The readers of the one target that reads resources of this type; null when none does. */
function readersOf(type: string): PlanReaders | null {
  let readers = readersByType.get(type);
  if (readers === undefined) {
    readers = READERS.find((candidate) => candidate.reads(type)) ?? null;
    if (readersByType.size < MAX_CACHED_TYPES) readersByType.set(type, readers);
  }
  return readers;
}

/** Attributes the provider computes when the configuration leaves them out (see PlanReaders). */
export function computedWhenUnset(type: string): readonly string[] {
  return readersOf(type)?.computedWhenUnset?.(type) ?? [];
}

/** Whether a target finds the resource privileged by what it holds (`unknown`: paths known only after apply). */
export function privilegedByTargetContent(
  type: string,
  values: Record<string, unknown>,
  unknown: readonly string[],
): boolean {
  return readersOf(type)?.privilegedByContent(type, values, unknown) ?? false;
}

/** The scope the target of this type reads; undefined when no target reads the type. */
export function targetScope(
  type: string,
  values: Record<string, unknown>,
  context?: ScopeContext,
): GrantedScope | undefined {
  return readersOf(type)?.scope(type, values, context);
}

/** The attributes the target of this type reads as scope. */
export function targetScopeAttributes(type: string): readonly string[] {
  return readersOf(type)?.scopeAttributes(type) ?? [];
}

/** The native expiry the target of this type reads (epoch seconds); undefined for none. */
export function targetNativeExpiry(type: string, values: Record<string, unknown>): number | undefined {
  return readersOf(type)?.nativeExpiry(type, values);
}

/** Whether the target of this type reads a native expiry from it. */
export function targetExpiryBearing(type: string, values: Record<string, unknown>): boolean {
  return readersOf(type)?.expiryBearing(type, values) ?? false;
}

/** The attributes holding the native expiry of this type. */
export function targetExpiryAttributes(type: string): readonly string[] {
  return readersOf(type)?.expiryAttributes(type) ?? [];
}

/**
 * Who a resource of this type gives its access to, as its target's readers read it (see
 * PlanReaders.grantees); undefined when the type names no grantee or no target reads it.
 */
export function targetGrantees(type: string, values: Record<string, unknown>): readonly string[] | undefined {
  return readersOf(type)?.grantees?.(type, values);
}

/** Referring type -> the reference its attributes may hold, over every target. */
const CONFIG_REFERENCES: ReadonlyMap<string, ConfigReference> = new Map(
  READERS.flatMap((readers) => Object.entries(readers.relations?.references ?? {})),
);

/** Whether a target reads references to referable resources from this type's configuration. */
export function isReferringType(type: string): boolean {
  return CONFIG_REFERENCES.has(type);
}

/** The reference this type's attributes may hold (relation-hooks.ts); undefined for none. */
export function targetConfigReference(type: string): ConfigReference | undefined {
  return CONFIG_REFERENCES.get(type);
}

/** Type -> the relation hooks of its target when the type is referable (null: it is not), found once per type. */
const referableByType = new Map<string, RelationHooks | null>();

/**
 * The relation hooks that index resources of this type, when a target declares the type
 * referable; null otherwise. Asked for every resource of a plan: one map lookup per resource.
 */
export function targetRelations(type: string): RelationHooks | null {
  let hooks = referableByType.get(type);
  if (hooks === undefined) {
    const relations = readersOf(type)?.relations ?? null;
    hooks = relations?.referable(type) ? relations : null;
    if (referableByType.size < MAX_CACHED_TYPES) referableByType.set(type, hooks);
  }
  return hooks;
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
