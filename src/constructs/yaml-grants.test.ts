import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GrantProblemsError } from "../grant/index.js";
import { synthAt } from "./synth-test-helpers.js";
import { CustomTarget } from "./targets/custom.js";
import { YamlGrants } from "./yaml-grants.js";

const target = new CustomTarget({
  name: "audit-log",
  accessLevels: ["read"],
  resources: (grant) => [
    { type: "terraform_data", suffix: "access", attributes: { input: grant.principal } },
  ],
});
const grantYaml = (id: string, extra = "") => `  - id: ${id}
    principal: alice@example.com
    target: audit-log
    access: read
    expiresAt: 2026-11-25T18:00:00Z
    reason: audit
    requestedBy: alice@example.com
${extra}`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tempgrant-yaml-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("YamlGrants", () => {
  it("loads every file of the folder into grants", () => {
    writeFileSync(join(dir, "a.yaml"), `grants:\n${grantYaml("a-one")}`);
    writeFileSync(join(dir, "b.yml"), `grants:\n${grantYaml("b-one")}`);
    writeFileSync(join(dir, "notes.txt"), "ignored");
    const json = synthAt(
      "2026-11-25T10:00:00Z",
      (stack) => new YamlGrants(stack, "yaml", { dir, targets: [target] }),
    );
    expect(Object.keys(json.resource?.terraform_data ?? {}).sort()).toEqual([
      "grant_a_one_access",
      "grant_b_one_access",
    ]);
    expect(Object.keys(json.resource?.tempgrant_grant ?? {}).sort()).toEqual(["grant_a_one", "grant_b_one"]);
  });

  it("reports every problem in every file with its line, in one error", () => {
    writeFileSync(join(dir, "a.yaml"), `grants:\n${grantYaml("a-one").replace("audit-log", "billing-db")}`);
    writeFileSync(
      join(dir, "b.yaml"),
      `grants:\n${grantYaml("b-one").replace("access: read", "access: admin")}`,
    );
    let message = "";
    try {
      synthAt("2026-11-25T10:00:00Z", (stack) => new YamlGrants(stack, "yaml", { dir, targets: [target] }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      `${join(dir, "a.yaml")}:4 grants[0].target: unknown target "billing-db" (known: audit-log)`,
      `${join(dir, "b.yaml")}:5 grants[0].access: target audit-log has no access level "admin" (known: read)`,
    ]);
  });

  it("names both files and lines of an id declared twice, and an unreadable file, with the other problems", () => {
    writeFileSync(join(dir, "a.yaml"), `grants:\n${grantYaml("same")}`);
    writeFileSync(join(dir, "b.yaml"), `grants:\n${grantYaml("other")}${grantYaml("same")}`);
    mkdirSync(join(dir, "c.yaml"));
    let error: unknown;
    try {
      synthAt("2026-11-25T10:00:00Z", (stack) => new YamlGrants(stack, "yaml", { dir, targets: [target] }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GrantProblemsError);
    expect((error as Error).message.split("\n")).toEqual([
      `${join(dir, "b.yaml")}:9 grants[1].id: grant id "same" is also declared at ${join(dir, "a.yaml")}:2: ids must be unique`,
      `${join(dir, "c.yaml")}: is a folder, not a grants file`,
    ]);
  });

  it("names a folder that does not exist", () => {
    expect(() =>
      synthAt(
        "2026-11-25T10:00:00Z",
        (stack) => new YamlGrants(stack, "yaml", { dir: join(dir, "nope"), targets: [] }),
      ),
    ).toThrow(/nope: no such folder of grant files/);
  });

  it("in skip mode, leaves invalid grants out and lists them", () => {
    writeFileSync(
      join(dir, "a.yaml"),
      `grants:\n${grantYaml("a-one")}${grantYaml("a-two").replace("2026-11-25T18:00:00Z", "soon")}`,
    );
    let loaded: YamlGrants | undefined;
    const json = synthAt(
      "2026-11-25T10:00:00Z",
      (stack) => {
        loaded = new YamlGrants(stack, "yaml", { dir, targets: [target] });
      },
      { invalidGrants: "skip" },
    );
    expect(Object.keys(json.resource?.terraform_data ?? {}).sort()).toEqual(["grant_a_one_access"]);
    expect(Object.keys(json.resource?.tempgrant_grant ?? {})).toEqual(["grant_a_one"]);
    expect(loaded?.problems.map((problem) => [problem.line, problem.path])).toEqual([
      [13, "grants[1].expiresAt"],
    ]);
  });
});
