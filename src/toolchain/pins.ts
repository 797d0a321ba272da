/**
 * The pinned toolchain: the one place where versions of the external tools live.
 * Bump a version here and the bootstrap builds the new one into its own cache folder.
 */
export const PINS = {
  /** OpenTofu, built from its Go module (its go.mod has replace directives, so not `go install`). */
  tofu: { version: "1.12.6", module: "github.com/opentofu/opentofu", package: "./cmd/tofu" },
  /** OPA: compiles the Rego pack to WASM and runs `opa test`. */
  opa: { version: "1.22.3", module: "github.com/open-policy-agent/opa" },
  /**
   * cyrilgdn/postgresql provider. Its go.mod declares the old module path, so it is built
   * from a wrapper module that replaces that path with the cyrilgdn one.
   * 1.26.0 is the version @cdktf/provider-postgresql 12.x pins.
   */
  postgresqlProvider: {
    version: "1.26.0",
    namespace: "cyrilgdn",
    type: "postgresql",
    declaredModule: "github.com/terraform-providers/terraform-provider-postgresql",
    sourceModule: "github.com/cyrilgdn/terraform-provider-postgresql",
  },
} as const;

/** Registry hosts the filesystem mirror answers for, so both tofu and terraform find the provider. */
export const MIRROR_HOSTS = ["registry.opentofu.org", "registry.terraform.io"] as const;
