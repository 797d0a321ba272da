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
   * tempgrant's own provider, built from `provider/` in this package (never downloaded).
   * The version is what stacks require; the binary is rebuilt whenever the source changes.
   */
  tempgrantProvider: {
    version: "0.1.0",
    namespace: "tempgrant",
    type: "tempgrant",
    sourceDir: "provider",
  },
} as const;

/** Registry hosts the filesystem mirror answers for, so both tofu and terraform find the provider. */
export const MIRROR_HOSTS = ["registry.opentofu.org", "registry.terraform.io"] as const;
