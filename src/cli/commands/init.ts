import { relative, resolve } from "node:path";
import { Command, Option } from "commander";
import { CI_CHOICES, type CiChoice } from "../../scaffold/template-files.js";

interface InitOptions {
  ci: CiChoice;
  tempgrantSpec?: string;
  now?: string;
  force: boolean;
}

/** `tempgrant init [dir]`: scaffolds a new grants repo that plans, checks and applies at once. */
export function initCommand(): Command {
  return new Command("init")
    .description(
      "Scaffold a new grants repository: a cdktf app with example grants in TypeScript and YAML, " +
        "tempgrant.yaml with its defaults, policies/ for your own Rego, CI workflows and a README.",
    )
    .argument("[dir]", "the folder to write into (created when missing)", ".")
    .addOption(new Option("--ci <system>", "which CI workflows to write").choices(CI_CHOICES).default("both"))
    .option(
      "--tempgrant-spec <spec>",
      "the tempgrant dependency in package.json: a version range, or the path of a packed tarball " +
        "(default: ^<this version>)",
    )
    .option(
      "--now <time>",
      "the example grants start at this instant and end 8 hours later (default: TEMPGRANT_NOW or the clock)",
    )
    .option("--force", "overwrite files that already exist", false)
    .addHelpText(
      "after",
      [
        "",
        "Nothing is written when any of the files exists, unless --force. The example grants are",
        "active from now for 8 hours, so the new repo's first `tempgrant plan` passes; after that they",
        "expire and the next sweep revokes them.",
        "",
        "Exit codes: 0 written, 2 a file exists (the message names it) or a bad option.",
        "",
        "Examples:",
        "  $ tempgrant init my-grants && cd my-grants && npm install && npx tempgrant plan",
        "  $ tempgrant init . --ci github",
        "  $ tempgrant init my-grants --tempgrant-spec ../tempgrant/tempgrant-0.1.0.tgz",
      ].join("\n"),
    )
    .action(async (dir: string, options: InitOptions) => {
      const [{ resolveClock }, scaffold, { ownManifest }] = await Promise.all([
        import("../../grant/clock.js"),
        import("../../scaffold/scaffold.js"),
        import("../../scaffold/package-root.js"),
      ]);
      const clock = resolveClock(options.now);
      const files = scaffold.scaffoldFiles({
        name: scaffold.packageNameFor(dir),
        tempgrantSpec: scaffold.dependencySpec(options.tempgrantSpec, ownManifest().version, process.cwd()),
        now: clock.now,
        ci: options.ci,
      });
      const written = scaffold.writeScaffold(dir, files, { force: options.force });
      // Paths as the user spelled the folder, so they can be copied into the next command.
      for (const path of written) process.stdout.write(`wrote ${path}\n`);
      const into = relative(process.cwd(), resolve(dir)) === "" ? undefined : dir;
      process.stdout.write(
        [
          "",
          "Next:",
          ...(into ? [`  cd ${into}`] : []),
          "  npm install",
          "  npx tempgrant grants     # the example grants, active for 8 hours",
          "  npx tempgrant plan       # synth, plan with tofu, check (needs tofu on PATH)",
          "",
        ].join("\n"),
      );
    });
}
