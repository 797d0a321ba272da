import { Command } from "commander";
import { toolchainPaths } from "../../toolchain/paths.js";

/** `tempgrant toolchain`: installs or finds the pinned tofu, opa and provider mirror. */
export function toolchainCommand(): Command {
  return new Command("toolchain")
    .description(
      "Find or build the pinned toolchain (OpenTofu, OPA) and tempgrant's own provider (from " +
        "provider/ in this package), and write a CLI config that installs providers from a local mirror only.",
    )
    .option("--json", "print the resolved toolchain as JSON", false)
    .addHelpText(
      "after",
      [
        "",
        "Binaries of the pinned version on PATH are used as they are; otherwise they are built",
        "with Go into the cache (TEMPGRANT_CACHE_DIR, default ~/.cache/tempgrant) and reused.",
        "The tempgrant/tempgrant provider is built from this package's source into the mirror,",
        "for both registry hosts, and rebuilt only when that source changes.",
        "",
        "Examples:",
        "  $ tempgrant toolchain",
        "  $ TEMPGRANT_CACHE_DIR=/ci/cache tempgrant toolchain",
        "  $ export TF_CLI_CONFIG_FILE=$(tempgrant toolchain --json | jq -r .cliConfigFile)",
      ].join("\n"),
    )
    .action(async (options: { json: boolean }) => {
      const { bootstrapToolchain } = await import("../../toolchain/bootstrap.js");
      const toolchain = await bootstrapToolchain({
        paths: toolchainPaths(),
        onProgress: (line) => process.stderr.write(`[toolchain] ${line}\n`),
      });
      if (options.json) process.stdout.write(`${JSON.stringify(toolchain, null, 2)}\n`);
    });
}
