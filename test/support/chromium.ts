import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { runCommandOrThrow } from "../../src/exec/run-command.js";

/** Debian's Chromium: the browser the HTML report is tested in (no browser download). */
export const CHROMIUM = "/usr/bin/chromium";

/** Installs Debian's chromium package when it is missing (CI machines run as root). */
export async function ensureChromium(log: (line: string) => void): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package`);
  log(`${CHROMIUM} not found: installing Debian's chromium package (apt-get)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await runCommandOrThrow({ program: "apt-get", args: ["update", "-q"], env });
  await runCommandOrThrow({
    program: "apt-get",
    args: ["install", "-y", "-q", "--no-install-recommends", "chromium"],
    env,
  });
}

/**
 * Launches headless Chromium with the flags this network needs: without the background
 * networking ones it keeps trying hosts it cannot reach. Playwright gives each launch a
 * fresh, empty profile of its own.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
