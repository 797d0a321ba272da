import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { runCommand } from "../../src/exec/run-command.js";

// The Go provider's own checks, run against the throwaway server every integration test
// shares: go vet, gofmt and go test (unit tests, and the live PostgreSQL tests, which
// skip without TEMPGRANT_TEST_DATABASE_URL).
const server = inject("postgres");
const providerDir = fileURLToPath(new URL("../../provider", import.meta.url));

async function go(program: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runCommand({
    program,
    args,
    cwd: providerDir,
    env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly", ...env },
    timeoutMs: 600_000,
  });
  const output = `${result.stdout}\n${result.stderr}`.trim();
  if (result.exitCode !== 0)
    console.log(`${program} ${args.join(" ")} exited ${result.exitCode}:\n${output}`);
  return { ...result, output };
}

describe("the tempgrant provider (Go)", () => {
  it("passes go vet", async () => {
    const vet = await go("go", ["vet", "./..."]);
    expect(vet.exitCode, vet.output).toBe(0);
  });

  it("is gofmt clean", async () => {
    const fmt = await go("gofmt", ["-l", "."]);
    expect(fmt.exitCode, fmt.output).toBe(0);
    expect(fmt.stdout.trim(), "files gofmt would change").toBe("");
  });

  it("passes go test, including the live PostgreSQL tests", async () => {
    const url = new URL("postgres://placeholder");
    url.hostname = server.host;
    url.port = String(server.port);
    url.username = server.user;
    url.password = server.password;
    url.pathname = `/${server.database}`;
    url.searchParams.set("sslmode", "disable");
    // -count=1: the live tests must really run against this server, never come from cache.
    const test = await go("go", ["test", "-count=1", "-v", "./..."], {
      TEMPGRANT_TEST_DATABASE_URL: url.toString(),
    });
    expect(test.exitCode, test.output).toBe(0);
    expect(test.output).not.toMatch(/--- SKIP/);
    expect(test.output).toMatch(/--- PASS: TestMembershipRevocationAndOpenSessions/);
  });
});
