import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TempgrantError } from "../errors.js";
import { runCommandOrThrow } from "../exec/run-command.js";
import { ownManifest, packageRoot } from "./package-root.js";

/** The tarball of the running tempgrant, for a new repo to install from. */
export interface PackedSelf {
  /** `tempgrant-<version>.tgz`. */
  readonly fileName: string;
  readonly bytes: Buffer;
  /** The folder it was packed from: a checkout, or an installed copy. */
  readonly from: string;
}

/** Where a new repo keeps the tarball, relative to the repo. */
export const VENDOR_DIR = "vendor";

/**
 * Packs the tempgrant that is running (`npm pack`), because tempgrant is not on a registry:
 * a new repo that depends on `^<version>` would not install. From a checkout, npm's prepack
 * builds dist/ first; an installed copy is already built, so its scripts are not run.
 */
export async function packSelf(progress: (line: string) => void): Promise<PackedSelf> {
  const from = packageRoot();
  const fromSource = existsSync(join(from, "src", "cli", "main.ts"));
  const fileName = `tempgrant-${ownManifest().version}.tgz`;
  const scratch = mkdtempSync(join(tmpdir(), "tempgrant-pack-"));
  progress(
    fromSource
      ? `packing tempgrant from the checkout ${from} (builds it first: about half a minute)...`
      : `packing tempgrant from ${from}...`,
  );
  try {
    await runCommandOrThrow({
      program: "npm",
      args: [
        "pack",
        from,
        "--pack-destination",
        scratch,
        "--loglevel=error",
        ...(fromSource ? [] : ["--ignore-scripts"]),
      ],
      cwd: from,
    });
    const tarball = join(scratch, fileName);
    if (!existsSync(tarball))
      throw new TempgrantError("INTERNAL", `npm pack of ${from} wrote no ${fileName}`);
    return { fileName, bytes: readFileSync(tarball), from };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
