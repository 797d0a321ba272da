import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** Replaces text a file of a new repository must hold (an assertion names the file when it does not). */
export function editScaffold(repo: string, path: string, from: string, to: string): void {
  const text = readFileSync(join(repo, path), "utf8");
  expect(text, path).toContain(from);
  writeFileSync(join(repo, path), text.replace(from, to));
}

/**
 * What stacks/targets.ts of a repository made by `tempgrant init` tells a user to do to use
 * its PostgreSQL target `orders-db`: call tempgrant's provider in stacks/main.ts (here without
 * TLS, for the throwaway server) and add the target to TARGETS.
 */
export function enableOrdersDb(repo: string): void {
  editScaffold(
    repo,
    "stacks/main.ts",
    '// import { tempgrantProvider } from "tempgrant";',
    'import { tempgrantProvider } from "tempgrant";',
  );
  editScaffold(
    repo,
    "stacks/main.ts",
    '// tempgrantProvider(stack, { sslmode: "require" });',
    'tempgrantProvider(stack, { sslmode: "disable" });',
  );
  editScaffold(repo, "stacks/targets.ts", "[exampleSystem]", "[exampleSystem, ordersDb]");
}
