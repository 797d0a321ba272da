import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { PINS } from "../toolchain/pins.js";
import { RawProvider } from "./raw-provider.js";

/** tempgrant's own provider: the grant record and the PostgreSQL access resources. */
export const TEMPGRANT_PROVIDER = {
  source: `${PINS.tempgrantProvider.namespace}/${PINS.tempgrantProvider.type}`,
  version: PINS.tempgrantProvider.version,
} as const;

/** The default (unaliased) tempgrant provider of each stack. */
const declared = new WeakMap<TerraformStack, RawProvider>();

/**
 * Declares the tempgrant provider in a stack, or adds attributes to the one already there.
 * Connection settings for PostgreSQL targets (host, port, username, database, sslmode) may
 * go here; credentials stay in the PG* environment variables, never in the configuration.
 */
export function tempgrantProvider(
  scope: Construct,
  attributes: Readonly<Record<string, unknown>> = {},
): RawProvider {
  const stack = TerraformStack.of(scope);
  const existing = declared.get(stack);
  if (existing) {
    existing.configure(attributes);
    return existing;
  }
  const provider = new RawProvider(stack, "tempgrant", {
    type: "tempgrant",
    source: TEMPGRANT_PROVIDER.source,
    version: TEMPGRANT_PROVIDER.version,
    attributes,
  });
  declared.set(stack, provider);
  return provider;
}

/** An aliased tempgrant provider, for a second PostgreSQL server in one stack. */
export function aliasedTempgrantProvider(
  scope: Construct,
  alias: string,
  attributes: Readonly<Record<string, unknown>> = {},
): RawProvider {
  const provider = new RawProvider(TerraformStack.of(scope), `tempgrant_${alias}`, {
    type: "tempgrant",
    source: TEMPGRANT_PROVIDER.source,
    version: TEMPGRANT_PROVIDER.version,
    attributes,
  });
  provider.alias = alias;
  return provider;
}
