/**
 * Text is data: every string a target's resources, a RawResource or a RawProvider write is
 * escaped for Terraform's template language (`${` -> `$${`, `%{` -> `%%{`), so OpenTofu and Terraform apply it
 * literally and the state holds exactly the text that was declared. A reference that code
 * means as an expression is written with {@link expression}, never as `${...}` text.
 *
 * cdktf's own tokens (`${TfToken[...]}`, what generated bindings' attributes return) are left
 * for cdktf to resolve: only code can make one, because grant validation refuses text that
 * holds the marker (see grant/validate.ts).
 */

/** A Terraform expression written on purpose by code, for example a reference to another resource. */
export class TerraformExpression {
  constructor(readonly text: string) {}
}

/** An expression (without `${ }`), for example `expression("aws_iam_policy.grant_x.arn")`. */
export function expression(text: string): TerraformExpression {
  return new TerraformExpression(text);
}

const TEMPLATE_INTERPOLATION = /\$\{(?!TfToken\[)/g;
const TEMPLATE_DIRECTIVE = /%\{/g;

/** One string as literal template text. */
export function literalText(text: string): string {
  // Most text holds no brace at all: no pattern to run (a tenth of a 10,000-grant synthesis).
  if (!text.includes("{")) return text;
  // Function replacers: in a replacement string, "$$" would mean a single "$".
  return text.replace(TEMPLATE_INTERPOLATION, () => "$${").replace(TEMPLATE_DIRECTIVE, () => "%%{");
}

/**
 * A value with every string (object keys included) made literal and every
 * {@link TerraformExpression} written as an interpolation. Other values pass unchanged.
 */
export function literalValue(value: unknown): unknown {
  if (typeof value === "string") return literalText(value);
  if (value instanceof TerraformExpression) return `\${${value.text}}`;
  if (Array.isArray(value)) return value.map(literalValue);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        literalText(key),
        literalValue(item),
      ]),
    );
  }
  return value;
}

/** Attributes as cdktf's HCL output wants them: each literal value under `value`. */
export function hclAttributes(attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(literalValue(attributes) as Record<string, unknown>).map(([key, value]) => [
      key,
      { value },
    ]),
  );
}

/**
 * Resources as the `resource` block of Terraform JSON (`{type: {name: attributes}}`), text
 * made literal and references written as interpolations: what a stack synthesizes for them.
 */
export function terraformResources(
  resources: readonly { readonly type: string; readonly name: string; readonly attributes: unknown }[],
): Record<string, Record<string, unknown>> {
  const block: Record<string, Record<string, unknown>> = {};
  for (const { type, name, attributes } of resources) (block[type] ??= {})[name] = literalValue(attributes);
  return block;
}
