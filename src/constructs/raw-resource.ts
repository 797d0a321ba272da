import type { TerraformMetaArguments, TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { perStackLibrary } from "./cdk-library.js";
import { hclAttributes, literalValue } from "./template-text.js";

/** Props of {@link RawResource}. */
export interface RawResourceProps extends TerraformMetaArguments {
  /** The Terraform resource type, for example `postgresql_role`. */
  readonly type: string;
  /** The resource name in addresses (`<type>.<name>`): deterministic, never a generated hash. */
  readonly name: string;
  /**
   * Attributes as Terraform JSON spells them (snake_case). Strings are literal text (escaped
   * for the template language); write a reference with `expression()`.
   */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * A Terraform resource of any type with attributes written as Terraform JSON. Targets use
 * it instead of the generated provider bindings, which keeps hundreds of megabytes of
 * bindings (aws, google) out of the install and keeps the attribute names the plan shows.
 * It is a TerraformResource of the library of its stack, cdktf or cdktn (see cdk-library.ts).
 */
export interface RawResource extends TerraformResource {
  /** The resource's address in plans and state, for example `postgresql_role.grant_x`. */
  readonly address: string;
}

export const RawResource = perStackLibrary<[Construct, string, RawResourceProps], RawResource>(
  "RawResource",
  (library) =>
    class RawResource extends library.TerraformResource {
      readonly address: string;
      readonly #attributes: Readonly<Record<string, unknown>>;

      constructor(scope: Construct, id: string, props: RawResourceProps) {
        const { type, name, attributes, ...meta } = props;
        super(scope, id, {
          terraformResourceType: type,
          terraformGeneratorMetadata: { providerName: type.split("_")[0] ?? type },
          ...meta,
        });
        this.overrideLogicalId(name);
        this.address = `${type}.${name}`;
        this.#attributes = attributes;
      }

      protected override synthesizeAttributes(): Record<string, unknown> {
        return literalValue(this.#attributes) as Record<string, unknown>;
      }

      protected override synthesizeHclAttributes(): Record<string, unknown> {
        return hclAttributes(this.#attributes);
      }
    },
);
