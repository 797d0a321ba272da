import type { TestProject } from "vitest/node";
import { bootstrapToolchain } from "../../src/toolchain/bootstrap.js";
import { startThrowawayPostgres, type PostgresConnection } from "../../src/testing/throwaway-postgres.js";
import { ensureChromium } from "./chromium.js";
import { ensureSshKeygen } from "./ssh-keys.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The throwaway server every integration test shares (each test uses its own names). */
    postgres: PostgresConnection;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (prefix: string) => (line: string) => console.log(`[${prefix}] ${line}`);
  await bootstrapToolchain({ onProgress: log("toolchain") });
  const server = await startThrowawayPostgres({ onProgress: log("postgres") });
  // Installed here, before any test runs, so no two apt-get runs contend for dpkg's lock.
  await ensureChromium(log("chromium"));
  await ensureSshKeygen(log("ssh-keygen"));
  project.provide("postgres", {
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
  });
  return () => server.stop();
}
