import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { perStackLibrary } from "./cdk-library.js";
import { hclAttributes, literalValue } from "./template-text.js";

/** Props of {@link RawProvider}. */
export interface RawProviderProps {
  /** Local provider name, for example `postgresql`. */
  readonly type: string;
  /** Registry source, for example `cyrilgdn/postgresql`. */
  readonly source: string;
  /** Version constraint, for example `1.26.0`. */
  readonly version?: string;
  /** Provider configuration as Terraform JSON spells it. Keep credentials in the environment. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/**
 * A provider block and its required_providers entry, without generated bindings. It is a
 * TerraformProvider of the library of its stack, cdktf or cdktn (see cdk-library.ts).
 */
export interface RawProvider extends TerraformProvider {
  /** Adds attributes to the provider block (a later value for the same key wins). */
  configure(attributes: Readonly<Record<string, unknown>>): void;
}

export const RawProvider = perStackLibrary<[Construct, string, RawProviderProps], RawProvider>(
  "RawProvider",
  (library) =>
    class RawProvider extends library.TerraformProvider {
      #attributes: Readonly<Record<string, unknown>>;

      constructor(scope: Construct, id: string, props: RawProviderProps) {
        super(scope, id, {
          terraformResourceType: props.type,
          terraformGeneratorMetadata: {
            providerName: props.type,
            ...(props.version ? { providerVersionConstraint: props.version } : {}),
          },
          terraformProviderSource: props.source,
        });
        this.#attributes = props.attributes ?? {};
      }

      protected override synthesizeAttributes(): Record<string, unknown> {
        return literalValue(this.#attributes) as Record<string, unknown>;
      }

      configure(attributes: Readonly<Record<string, unknown>>): void {
        this.#attributes = { ...this.#attributes, ...attributes };
      }

      protected override synthesizeHclAttributes(): Record<string, unknown> {
        return hclAttributes(this.#attributes);
      }
    },
);
