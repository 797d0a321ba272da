import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { formatDuration } from "../grant/duration.js";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { TempgrantError } from "../errors.js";
import { makeDirectory } from "../exec/make-directory.js";

/** Who holds a project's run lock: written inside the lock when it is taken. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly startedAt: string;
}

/** A lock with no owner file yet this old belongs to a run that died while taking it. */
const OWNERLESS_STALE_MS = 10_000;

/**
 * The run lock of a project, `<project>/.tempgrant/run.lock/` (a directory, made atomically
 * with mkdir, holding `owner.json`): `plan`, `apply` and `sweep` synthesize into the same
 * cdktf.out, write their saved plans there and read them back, so two of them in one checkout
 * at once would read each other's half-written files. A run holds it from before the synthesis
 * to its exit. Another run waits up to `waitSeconds` (its --lock-timeout), then fails naming
 * the holder. A holder that died (SIGKILL, a crash) is seen at once, on the same machine, by
 * its process id, and its lock is taken over. Returns the release (also run at exit).
 */
export async function lockProject(
  projectDir: string,
  command: string,
  waitSeconds: number,
): Promise<() => void> {
  const folder = join(resolve(projectDir), ".tempgrant");
  makeDirectory(folder);
  const lock = join(folder, "run.lock");
  const deadline = Date.now() + waitSeconds * 1000;
  let pause = 50;
  for (;;) {
    if (tryLock(lock, command)) {
      const release = () => rmSync(lock, { recursive: true, force: true });
      process.once("exit", release);
      return release;
    }
    const holder = readOwner(lock);
    if (holderIsGone(lock, holder)) {
      // Checked again just before the removal: another waiter may have taken it over meanwhile.
      if (JSON.stringify(readOwner(lock)) === JSON.stringify(holder))
        rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder
        ? `tempgrant ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`
        : "tempgrant run";
      throw new TempgrantError(
        "PROJECT_LOCKED",
        `${command}: another ${who} is running in ${resolve(projectDir)} and still holds ${lock} after ` +
          `${formatDuration(waitSeconds)}: run this again when it is done, or raise --lock-timeout`,
      );
    }
    await delay(pause + Math.random() * pause);
    pause = Math.min(pause * 1.5, 1_000);
  }
}

function tryLock(lock: string, command: string): boolean {
  try {
    mkdirSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new TempgrantError(
      "INVALID_INPUT",
      `${lock}: cannot take the project's run lock: ${(error as Error).message}`,
    );
  }
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    command,
    startedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
  writeFileSync(join(lock, "owner.json"), `${JSON.stringify(owner)}\n`);
  return true;
}

function readOwner(lock: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(lock, "owner.json"), "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** A holder on this machine whose process is gone, or a lock that never got its owner file. */
function holderIsGone(lock: string, holder: LockOwner | undefined): boolean {
  if (holder) return holder.host === hostname() && !processAlive(holder.pid);
  const made = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
  return made === undefined || Date.now() - made > OWNERLESS_STALE_MS;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
