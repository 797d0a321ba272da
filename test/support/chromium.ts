import { chromium, type Browser } from "playwright-core";
import { ensureDebianPackage } from "./debian-package.js";

/** Debian's Chromium: the browser the HTML report is tested in (no browser download). */
export const CHROMIUM = "/usr/bin/chromium";

/** Installs Debian's chromium package when it is missing (CI machines run as root). */
export function ensureChromium(log: (line: string) => void): Promise<void> {
  return ensureDebianPackage(CHROMIUM, "chromium", log);
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
