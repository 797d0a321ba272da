import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { Command } from "commander";
import { TempgrantError } from "../../errors.js";
import { statusAction } from "../exit-codes.js";
import { policiesDir } from "../../policy/bundle-location.js";
import { findAllOnPath } from "../../toolchain/find-on-path.js";
import { readToolchainManifest } from "../../toolchain/manifest.js";

/** `tempgrant policy build`: compiles the shipped pack plus an organisation's own Rego. */
export function policyCommand(): Command {
  const policy = new Command("policy")
    .description("Build the policy bundle (Rego compiled to WebAssembly).")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ tempgrant policy build policies/ --out policies/bundle/policy.wasm",
        "  $ tempgrant policy test policies/",
      ].join("\n"),
    );
  policy
    .command("build")
    .description("Compile the shipped Rego pack, plus your own modules, into one WASM bundle.")
    .argument(
      "[dirs...]",
      "folders of your own Rego modules (packages under tempgrant.rules.<category>.<rule>)",
    )
    .option("--out <file>", "where to write the bundle", "policy.wasm")
    .option("--opa <binary>", "the opa binary (default: the bootstrapped one, else opa on PATH)")
    .addHelpText(
      "after",
      [
        "",
        "Rules under data.tempgrant.rules.<category>.<name> with `deny` or `warn` sets are picked up",
        "by the shipped main policy; no registry to edit. Builtins are limited to what the WASM",
        "runtime has (policies/capabilities.json): anything else fails the build.",
        "",
        "Examples:",
        "  $ tempgrant policy build policies/ --out policies/bundle/policy.wasm",
        "  $ tempgrant check plan.json --bundle policies/bundle/policy.wasm",
      ].join("\n"),
    )
    .action(async (dirs: string[], options: { out: string; opa?: string }) => {
      const opa = opaBinary(options.opa);
      const [{ buildPolicyBundle }, { folderOption, outputFileOption }] = await Promise.all([
        import("../../policy/build-bundle.js"),
        import("../options.js"),
      ]);
      // The bundle's folder (policies/bundle/ in a new repo) is created by the build.
      outputFileOption("--out", options.out, { createsFolder: true });
      for (const dir of dirs) folderOption("policy folder", dir);
      const pack = policiesDir();
      const built = await buildPolicyBundle({
        opa,
        // The pack's own sources relative to it: opa records source paths in the module,
        // so only relative ones give the same bundle from any checkout.
        sources: [...PACK_SOURCES, ...dirs.map((dir) => resolve(dir))],
        cwd: pack,
        capabilities: join(pack, "capabilities.json"),
        out: isAbsolute(options.out) ? options.out : resolve(options.out),
      });
      process.stdout.write(`${built.path}: ${built.bytes} bytes, sha256 ${built.sha256}\n`);
    });
  policy
    .command("test")
    .description("Run `opa test` on the shipped Rego pack together with your own modules and their tests.")
    .argument("[dirs...]", "folders of your own Rego modules and *_test.rego files")
    .option("--opa <binary>", "the opa binary (default: the bootstrapped one, else opa on PATH)")
    .addHelpText(
      "after",
      [
        "",
        "The opa that `tempgrant toolchain` provides, so no opa on PATH is needed; its report is printed as is.",
        "",
        "Exit codes: 0 every test passed; 1 a test failed or opa reported an error; 2 bad usage.",
        "",
        "Examples:",
        "  $ tempgrant policy test policies/",
      ].join("\n"),
    )
    .action(
      statusAction(async (dirs: string[], options: { opa?: string }) => {
        const opa = opaBinary(options.opa);
        const [{ runCommand }, { folderOption }] = await Promise.all([
          import("../../exec/run-command.js"),
          import("../options.js"),
        ]);
        for (const dir of dirs) folderOption("policy folder", dir);
        // As the build does: the pack's sources relative to it, the user's resolved from here.
        const result = await runCommand({
          program: opa,
          args: ["test", ...PACK_SOURCES, ...dirs.map((dir) => resolve(dir))],
          cwd: policiesDir(),
        });
        process.stdout.write(result.stdout);
        process.stderr.write(result.stderr);
        return result.exitCode === 0 ? "ok" : "failed";
      }),
    );
  return policy;
}

/** The shipped pack's Rego, relative to its folder (not its compiled bundle). */
const PACK_SOURCES = ["main.rego", "lib", "rules"];

/** The opa to run: --opa (a name on PATH, or a path), else the bootstrapped one, else opa on PATH. */
function opaBinary(option: string | undefined): string {
  const opa = option ?? readToolchainManifest()?.opa ?? findAllOnPath("opa")[0];
  if (!opa)
    throw new TempgrantError("USAGE", "no opa binary: run `tempgrant toolchain`, install opa, or pass --opa");
  // A name is looked up on PATH, as a shell would; a path must be an executable file.
  if (option !== undefined) {
    const usable = option.includes("/")
      ? findAllOnPath(basename(option), dirname(resolve(option))).length > 0
      : findAllOnPath(option).length > 0;
    if (!usable) throw new TempgrantError("USAGE", `--opa ${option}: no such program (or not executable)`);
  }
  return opa;
}
