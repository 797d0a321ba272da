import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * tempgrant's own provider is built from this package's source, so its hash changes with
 * the source (a new tempgrant release, or a development checkout). A lock file entry from an
 * earlier build would make `init` refuse the new one. The entry is dropped before `init`:
 * the pin that matters for this provider is the source digest the toolchain checks, and the
 * mirror-only CLI config can install nothing else under that name. Other entries are kept.
 */
const OWN_PROVIDER_BLOCK = /^provider "registry\.[a-z.]+\/tempgrant\/tempgrant" \{\n[\s\S]*?^\}\n*/gm;

/** Removes tempgrant's provider from the workspace's lock file, if it is there. */
export function dropOwnProviderLock(workingDir: string): void {
  const lockFile = join(workingDir, ".terraform.lock.hcl");
  if (!existsSync(lockFile)) return;
  const text = readFileSync(lockFile, "utf8");
  const kept = text.replace(OWN_PROVIDER_BLOCK, "");
  if (kept !== text) writeFileSync(lockFile, kept);
}
