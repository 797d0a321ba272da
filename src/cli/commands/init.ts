import { writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Command, Option } from "commander";
import { TempgrantError } from "../../errors.js";
import { makeDirectory } from "../../exec/make-directory.js";
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
        "(default: this tempgrant, packed into vendor/tempgrant-<version>.tgz)",
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
        "tempgrant is not published on a registry, so by default init packs the tempgrant it runs",
        "(`npm pack` of this checkout, built first, or of this install) into vendor/ of the new repo,",
        "and package.json depends on file:vendor/tempgrant-<version>.tgz: commit it, and `npm install`",
        "and CI's `npm ci` install from it.",
        "",
        "Exit codes: 0 written, 1 packing failed, 2 a file exists (the message names it) or a bad option.",
        "",
        "Examples:",
        "  $ tempgrant init my-grants && cd my-grants && npm install && npx tempgrant plan",
        "  $ tempgrant init . --ci github",
        "  $ tempgrant init my-grants --tempgrant-spec ../tempgrant/tempgrant-0.1.0.tgz",
      ].join("\n"),
    )
    .action(async (dir: string, options: InitOptions) => {
      const [{ resolveClock }, scaffold, { ownManifest }, { packSelf, VENDOR_DIR }] = await Promise.all([
        import("../../grant/clock.js"),
        import("../../scaffold/scaffold.js"),
        import("../../scaffold/package-root.js"),
        import("../../scaffold/pack-self.js"),
      ]);
      const clock = resolveClock(options.now);
      if (options.tempgrantSpec?.trim() === "")
        throw new TempgrantError("USAGE", "--tempgrant-spec: give a version range or a tarball's path");
      const vendored =
        options.tempgrantSpec === undefined
          ? `${VENDOR_DIR}/tempgrant-${ownManifest().version}.tgz`
          : undefined;
      // Relative to the new repo, so the repo installs the same wherever it is cloned.
      const spec = vendored
        ? `file:${vendored}`
        : scaffold.dependencySpec(options.tempgrantSpec ?? "", process.cwd());
      const files = scaffold.scaffoldFiles({
        name: scaffold.packageNameFor(dir),
        tempgrantSpec: spec,
        now: clock.now,
        ci: options.ci,
      });
      // Refused before packing, which takes a while.
      scaffold.refuseExisting(
        dir,
        [...files.map((file) => file.path), ...(vendored ? [vendored] : [])],
        options,
      );
      const packed = vendored
        ? await packSelf((line) => process.stderr.write(`[init] ${line}\n`))
        : undefined;
      const written = scaffold.writeScaffold(dir, files, { force: options.force });
      if (vendored && packed) {
        const target = join(dir, vendored);
        makeDirectory(dirname(target));
        writeFileSync(target, packed.bytes);
        written.push(target);
      }
      // Paths as the user spelled the folder, so they can be copied into the next command.
      for (const path of written) process.stdout.write(`wrote ${path}\n`);
      const into = relative(process.cwd(), resolve(dir)) === "" ? undefined : dir;
      process.stdout.write(
        [
          "",
          packed
            ? `tempgrant comes from ${vendored} (packed from ${packed.from}; tempgrant is not on a registry): commit it.`
            : `tempgrant comes from ${spec}, as given with --tempgrant-spec.`,
          "",
          "Next:",
          ...(into ? [`  cd ${into}`] : []),
          "  npm install",
          "  npx tempgrant toolchain  # the pinned tofu and opa, and tempgrant's provider (built once with Go, cached)",
          "  npx tempgrant grants     # the example grants, active for 8 hours",
          "  npx tempgrant plan       # synth, plan with tofu, check with the shipped rules and yours in policies/",
          "                           # (denies until approvers sign: README.md, 'Approve the example grants')",
          "",
        ].join("\n"),
      );
    });
}
