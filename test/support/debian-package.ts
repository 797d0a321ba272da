import { existsSync } from "node:fs";
import { runCommandOrThrow } from "../../src/exec/run-command.js";

/** Installs a Debian package when the file it provides is missing (CI machines run as root). */
export async function ensureDebianPackage(
  file: string,
  pkg: string,
  log: (line: string) => void,
): Promise<void> {
  if (existsSync(file)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) throw new Error(`${file} is missing: install Debian's ${pkg} package`);
  log(`${file} not found: installing Debian's ${pkg} package (apt-get)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await runCommandOrThrow({ program: "apt-get", args: ["update", "-q"], env });
  await runCommandOrThrow({
    program: "apt-get",
    args: ["install", "-y", "-q", "--no-install-recommends", pkg],
    env,
  });
}
