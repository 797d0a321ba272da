import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  appendFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand, runCommandOrThrow, type CommandSpec } from "../exec/run-command.js";
import { TempgrantError } from "../errors.js";
import { findAllOnPath } from "../toolchain/find-on-path.js";

/** Connection details of a running throwaway server. The password is random per server. */
export interface PostgresConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** A running throwaway PostgreSQL cluster. */
export interface ThrowawayPostgres extends PostgresConnection {
  /** The cluster's folder (data, socket, log); removed by {@link ThrowawayPostgres.stop}. */
  readonly baseDir: string;
  /**
   * Stops the server process but keeps its folder, data and port, as an outage would.
   * `fast` (the default) ends every session and shuts down cleanly, like stopping the
   * service; `immediate` kills the server at once, like a crash, and the next start runs
   * crash recovery. This cluster runs with `synchronous_commit = off`, so an immediate stop
   * may lose commits acknowledged in the last few hundred milliseconds.
   */
  stopServer(mode?: "fast" | "immediate"): Promise<void>;
  /** Starts a server stopped by {@link ThrowawayPostgres.stopServer} again, on the same port and data. */
  startServer(): Promise<void>;
  /** Stops the server and deletes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startThrowawayPostgres}. */
export interface ThrowawayPostgresOptions {
  /** Receives one line per step. */
  readonly onProgress?: (line: string) => void;
  /** Install Debian's postgresql package when the server binaries are missing (needs root). */
  readonly installIfMissing?: boolean;
}

const SUPERUSER = "tempgrant_admin";

/**
 * Starts a private PostgreSQL cluster for tests and the demo: initdb in a temp folder as a
 * non-root user, password (SCRAM) authentication on loopback, so that `VALID UNTIL` and
 * refused logins behave exactly as in production, on a free port. The server is stopped
 * and its folder removed by `stop()`, and also when this process exits. Fault tests stop it
 * and start it again in place with `stopServer()` and `startServer()`.
 */
export async function startThrowawayPostgres(
  options: ThrowawayPostgresOptions = {},
): Promise<ThrowawayPostgres> {
  const progress = options.onProgress ?? (() => {});
  const binDir = (await findPostgresBinDir()) ?? (await installPostgres(options, progress));
  const runAs = serverUser();
  const baseDir = mkdtempSync(join(tmpdir(), "tempgrant-pg-"));
  const dataDir = join(baseDir, "data");
  const logFile = join(baseDir, "server.log");
  const password = randomBytes(18).toString("hex");
  const pwFile = join(baseDir, "pwfile");
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(baseDir, runAs.uid, runAs.gid);
    chownSync(pwFile, runAs.uid, runAs.gid);
  }
  chmodSync(baseDir, 0o700);

  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    const spec = asUser(runAs, {
      program: join(binDir, "pg_ctl"),
      args: ["-D", dataDir, "-m", "immediate", "-w", "stop"],
    });
    if (existsSync(join(dataDir, "postmaster.pid")))
      spawnSync(spec.program, [...spec.args], { stdio: "ignore" });
    rmSync(baseDir, { recursive: true, force: true });
  };
  process.once("exit", stopSync);

  try {
    progress(`initdb in ${dataDir}${runAs ? ` as ${runAs.name}` : ""}`);
    await runCommandOrThrow(
      asUser(runAs, {
        program: join(binDir, "initdb"),
        args: [
          "-D",
          dataDir,
          "-U",
          SUPERUSER,
          `--pwfile=${pwFile}`,
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          "--encoding=UTF8",
          "--locale=C",
          "--no-sync",
        ],
      }),
    );
    rmSync(pwFile);
    const port = await startOnFreePort(binDir, runAs, baseDir, dataDir, logFile, progress);
    progress(`PostgreSQL ready on 127.0.0.1:${port}`);
    const pgCtl = (args: readonly string[]): CommandSpec =>
      asUser(runAs, { program: join(binDir, "pg_ctl"), args: ["-D", dataDir, ...args] });
    return {
      host: "127.0.0.1",
      port,
      user: SUPERUSER,
      password,
      database: "postgres",
      baseDir,
      stopServer: async (mode = "fast") => {
        if (stopped) throw new TempgrantError("POSTGRES_GONE", `the server in ${baseDir} was removed`);
        progress(`stopping PostgreSQL on 127.0.0.1:${port} (${mode}); data kept`);
        await runCommandOrThrow(pgCtl(["-m", mode, "-w", "stop"]));
      },
      startServer: async () => {
        if (stopped) throw new TempgrantError("POSTGRES_GONE", `the server in ${baseDir} was removed`);
        progress(`starting PostgreSQL again on 127.0.0.1:${port}`);
        // The port is in postgresql.conf: if another process took it meanwhile, this fails
        // (with the server log), since clients hold connection strings that name it.
        const result = await runCommand(pgCtl(["-l", logFile, "-w", "-t", "60", "start"]));
        if (result.exitCode !== 0) {
          throw new TempgrantError(
            "POSTGRES_START_FAILED",
            `PostgreSQL did not start again on port ${port}; server log:\n${logTail(logFile, result.stderr)}`,
          );
        }
      },
      stop: async () => {
        process.removeListener("exit", stopSync);
        stopSync();
      },
    };
  } catch (error) {
    stopSync();
    throw error;
  }
}

/** Starts the server, retrying on a new port if another process took the one we picked. */
async function startOnFreePort(
  binDir: string,
  runAs: ServerUser | undefined,
  baseDir: string,
  dataDir: string,
  logFile: string,
  progress: (line: string) => void,
): Promise<number> {
  let lastLog = "";
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freeLoopbackPort();
    appendFileSync(
      join(dataDir, "postgresql.conf"),
      [
        "",
        "# tempgrant throwaway cluster",
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${baseDir.replaceAll("'", "''")}'`,
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 200",
        "",
      ].join("\n"),
    );
    progress(`starting PostgreSQL on 127.0.0.1:${port}`);
    const result = await runCommand(
      asUser(runAs, {
        program: join(binDir, "pg_ctl"),
        args: ["-D", dataDir, "-l", logFile, "-w", "-t", "60", "start"],
      }),
    );
    if (result.exitCode === 0) return port;
    lastLog = logTail(logFile, result.stderr);
  }
  throw new TempgrantError("POSTGRES_START_FAILED", `PostgreSQL did not start; server log:\n${lastLog}`);
}

/** The last lines of the server log, else what pg_ctl printed. */
function logTail(logFile: string, fallback: string): string {
  return existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : fallback;
}

/** Asks the kernel for a free loopback port. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** PostgreSQL refuses to run as root: as root, run it as `postgres` (or `nobody`). */
function serverUser(): ServerUser | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (uid.status === 0 && gid.status === 0) {
      return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  throw new TempgrantError(
    "POSTGRES_NO_USER",
    "running as root, but neither a postgres nor a nobody user exists",
  );
}

function asUser(user: ServerUser | undefined, spec: CommandSpec): CommandSpec {
  if (!user) return spec;
  return { ...spec, program: "runuser", args: ["-u", user.name, "--", spec.program, ...spec.args] };
}

/** The folder holding initdb, pg_ctl and postgres: from PATH, else Debian's layout. */
async function findPostgresBinDir(): Promise<string | undefined> {
  const initdb = findAllOnPath("initdb")[0];
  if (initdb) {
    const real = await runCommand({ program: "readlink", args: ["-f", initdb] });
    return real.stdout.trim().replace(/\/initdb$/, "");
  }
  const debianRoot = "/usr/lib/postgresql";
  if (!existsSync(debianRoot)) return undefined;
  const versions = readdirSync(debianRoot)
    .filter((entry) => existsSync(join(debianRoot, entry, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(debianRoot, versions[0], "bin") : undefined;
}

/** Installs Debian's postgresql package (fresh CI machines run as root). */
async function installPostgres(
  options: ThrowawayPostgresOptions,
  progress: (line: string) => void,
): Promise<string> {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (options.installIfMissing === false || !isRoot || findAllOnPath("apt-get").length === 0) {
    throw new TempgrantError(
      "POSTGRES_NOT_INSTALLED",
      "PostgreSQL server binaries (initdb, pg_ctl) not found: install your distribution's postgresql " +
        "package (Debian: `apt-get install postgresql`) or put its bin folder on PATH",
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  progress("PostgreSQL server binaries not found: installing Debian's postgresql package (apt-get)...");
  await runCommandOrThrow({ program: "apt-get", args: ["update", "-q"], env });
  await runCommandOrThrow({
    program: "apt-get",
    args: ["install", "-y", "-q", "--no-install-recommends", "postgresql"],
    env,
  });
  const binDir = await findPostgresBinDir();
  if (!binDir)
    throw new TempgrantError("POSTGRES_NOT_INSTALLED", "postgresql installed, but initdb is still missing");
  return binDir;
}
