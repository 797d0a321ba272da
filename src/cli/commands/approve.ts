import { Command } from "commander";

interface ApproveOptions {
  dir: string;
  app: boolean;
  chdir: string;
  key?: string;
  as?: string;
  out?: string;
  config?: string;
  now?: string;
}

/** `tempgrant approve <grant-id>`: signs the grant's digest with the approver's SSH key. */
export function approveCommand(): Command {
  return new Command("approve")
    .description(
      "Approve a grant: sign its digest with your SSH key (as git signs commits) and write the signature " +
        "beside the grants, for the grant's pull request.",
    )
    .argument("<grant-id>", "the id of the grant to approve")
    .option("--dir <folder>", "folder of grant files, relative to --chdir", "grants")
    .option("--app", "find the grant by running the cdktf app (TypeScript and YAML grants)", false)
    .option("--chdir <dir>", "the project folder", ".")
    .option("--key <file>", "signing key (default: TEMPGRANT_SIGNING_KEY, else git's user.signingkey)")
    .option("--as <person>", "who you are, as allowed_signers lists you (default: the key's principal there)")
    .option(
      "--out <dir>",
      "folder of signed approvals (default: tempgrant.yaml's approvals.signatures, else <project>/approvals)",
    )
    .option("--config <file>", "tempgrant.yaml (default: <project>/tempgrant.yaml when present)")
    .option(
      "--now <time>",
      "with --app: run the app as of this instant (default: TEMPGRANT_NOW or the clock)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Writes <out>/<grant-id>/<person>.sig: an SSH signature (ssh-keygen -Y sign, namespace tempgrant-grant)",
        "over the grant's digest, which `tempgrant grants` shows. Commit it to the grant's pull request. Any",
        "change to the grant changes its digest and voids the signature: approve the new content again.",
        "",
        "Exit codes: 0 signed, 1 ssh-keygen failed, 2 no such grant, no key, or bad input.",
        "",
        "Examples:",
        "  $ tempgrant approve alice-orders-read --key ~/.ssh/id_ed25519",
        "  $ TEMPGRANT_SIGNING_KEY=~/.ssh/id_ed25519 tempgrant approve alice-orders-read",
        "  $ tempgrant approve payments-admin --app --as bob@example.com",
      ].join("\n"),
    )
    .action(async (grantId: string, options: ApproveOptions) => {
      const [{ existsSync, mkdirSync, readFileSync, writeFileSync }, { join }, sign, model, errors, config] =
        await Promise.all([
          import("node:fs"),
          import("node:path"),
          import("../../approval/sign-approval.js"),
          import("../../grant/index.js"),
          import("../../errors.js"),
          import("../options.js"),
        ]);
      const [{ grantDigest }, { parseAllowedSigners }, { parseSshPublicKey }] = await Promise.all([
        import("../../approval/digest.js"),
        import("../../approval/allowed-signers.js"),
        import("../../approval/ssh-public-key.js"),
      ]);
      const { folderOption } = config;
      folderOption("--chdir", options.chdir);
      const configPath = options.config ?? join(options.chdir, "tempgrant.yaml");
      const checkConfig = await config.loadCheckConfig(
        options.config ?? (existsSync(configPath) ? configPath : undefined),
      );
      const found: { grant: import("../../grant/index.js").Grant; source: string }[] = [];
      if (options.app) {
        const { declaredByApp } = await import("../../check/declared-grants.js");
        const clock = model.resolveClock(options.now, process.env, "--now");
        found.push(...(await declaredByApp(options.chdir, clock.now)).declared);
      } else {
        const { grantFilesIn } = await import("../../constructs/yaml-grants.js");
        for (const path of grantFilesIn(join(options.chdir, options.dir))) {
          const parsed = model.parseGrantsFile(readFileSync(path, "utf8"), path);
          for (const entry of parsed.entries)
            if (entry.grant) found.push({ grant: entry.grant, source: `${path}:${entry.line ?? "?"}` });
        }
      }
      const matches = found.filter(({ grant }) => grant.id === grantId);
      if (matches.length !== 1) {
        throw new errors.TempgrantError(
          "USAGE",
          matches.length === 0
            ? `no valid grant ${errors.quoteValue(grantId)} in ${options.app ? "the app" : join(options.chdir, options.dir)} ` +
                "(`tempgrant grants` lists them; an invalid grant cannot be approved)"
            : `grant ${errors.quoteValue(grantId)} is declared ${matches.length} times: ${matches.map((m) => m.source).join(", ")}`,
        );
      }
      const { grant } = matches[0]!;
      const key = await sign.signingKey(options.key, process.env);
      const person = options.as ?? principalOfKey(key, checkConfig.evidence.allowedSigners);
      const digest = grantDigest(grant);
      const signature = await sign.signDigest(digest, key);
      const folder = join(
        options.out ?? checkConfig.evidence.signatures ?? join(options.chdir, "approvals"),
        grant.id,
      );
      mkdirSync(folder, { recursive: true });
      const path = join(folder, sign.signatureFileName(person));
      writeFileSync(path, signature);
      process.stdout.write(
        `approved grant ${grant.id} as ${person}: signed ${digest}\n` +
          `wrote ${path}: commit it to the grant's pull request\n`,
      );

      /** The one principal allowed_signers lists for the key; else a usage error asking for --as. */
      function principalOfKey(signingKey: string, allowedSigners: string | undefined): string {
        const ask = (why: string) =>
          new errors.TempgrantError("USAGE", `${why}: pass --as <person> (as allowed_signers names you)`);
        if (!allowedSigners) throw ask("tempgrant.yaml names no approvals.allowedSigners to find you in");
        const publicKey = sign.publicKeyOf(signingKey);
        if (!publicKey) throw ask(`no public key found for ${signingKey}`);
        const signers = parseAllowedSigners(readFileSync(allowedSigners, "utf8"), allowedSigners);
        let principals: string[];
        try {
          const key = parseSshPublicKey(Buffer.from(publicKey.split(/\s+/)[1] ?? "", "base64"));
          principals = [...new Set(signers.linesOf(key).flatMap((line) => line.principals))];
        } catch {
          throw ask(`${signingKey}: not a public key tempgrant can read`);
        }
        if (principals.length !== 1)
          throw ask(
            principals.length === 0
              ? `your key is not in ${allowedSigners}`
              : `your key is listed for ${principals.join(", ")} in ${allowedSigners}`,
          );
        return principals[0]!;
      }
    });
}
