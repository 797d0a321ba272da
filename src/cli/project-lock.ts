import { join, resolve } from "node:path";
import { acquireDirectoryLock, type AcquiredLock } from "../audit/ledger/lock.js";
import { makeDirectory } from "../exec/make-directory.js";

/** Refreshed every half of this while held; a lock left by a killed run is taken over after it. */
const PROJECT_LOCK_STALE_MS = 30_000;

/**
 * The run lock of a project, `<project>/.tempgrant/run.lock`: `plan`, `apply` and `sweep`
 * synthesize into the same cdktf.out, write their saved plans there and read them back, so
 * two of them in one checkout at once would read each other's half-written files. Each run
 * holds this lock from before the synthesis to its exit; a second run waits up to `waitSeconds`
 * (its --lock-timeout), then fails naming the lock.
 */
export async function lockProject(
  projectDir: string,
  command: string,
  waitSeconds: number,
): Promise<AcquiredLock> {
  const folder = join(resolve(projectDir), ".tempgrant");
  makeDirectory(folder);
  const path = join(folder, "run");
  return acquireDirectoryLock(path, {
    waitMs: waitSeconds * 1000,
    staleMs: PROJECT_LOCK_STALE_MS,
    realpath: false,
    what: "project",
    heldMessage:
      `${command}: another tempgrant plan, apply or sweep has been running in ${resolve(projectDir)} for over ${waitSeconds} s ` +
      `(it holds ${path}.lock): run this again when it is done, or raise --lock-timeout`,
  });
}
