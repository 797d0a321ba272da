import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEMPGRANT_PROVIDER } from "../../src/constructs/tempgrant-provider.js";
import { GRANT_RECORD_FIELDS, GRANT_RECORD_TYPE } from "../../src/grant/record.js";
import { init, resolveEngine, type Workspace } from "../../src/runner/index.js";
import { runEngine } from "../../src/runner/workspace.js";

// The record's field table (src/grant/record.ts) is the one definition TypeScript reads and
// writes records by; our provider's `tempgrant_grant` schema is the same list in Go. The two
// must agree, attribute for attribute: a field one side lacks would be lost between them.
const dir = mkdtempSync(join(tmpdir(), "tempgrant-record-fields-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SchemaAttribute {
  readonly type: unknown;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
}

describe("the grant record's field table", () => {
  it("is the provider's tempgrant_grant schema: every attribute, its type, and whether it may be left out", async () => {
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { tempgrant: TEMPGRANT_PROVIDER } } }),
    );
    const workspace: Workspace = { engine: resolveEngine(), workingDir: dir, lockTimeout: "30s" };
    await init(workspace);
    const { stdout } = await runEngine(workspace, ["providers", "schema", "-json"]);
    const schemas = (JSON.parse(stdout) as { provider_schemas: Record<string, unknown> }).provider_schemas;
    const provider = Object.entries(schemas).find(([source]) =>
      source.endsWith("/tempgrant/tempgrant"),
    )?.[1] as {
      resource_schemas: Record<string, { block: { attributes: Record<string, SchemaAttribute> } }>;
    };
    const attributes = provider.resource_schemas[GRANT_RECORD_TYPE]!.block.attributes;
    // `id` is the resource's own (computed by the provider), not a field of the record.
    const inSchema = Object.entries(attributes)
      .filter(([name]) => name !== "id")
      .map(([name, attribute]) => ({
        attribute: name,
        type: attribute.type,
        optional: attribute.optional === true && attribute.required !== true,
      }))
      .sort((a, b) => a.attribute.localeCompare(b.attribute));
    const schemaType = { string: "string", boolean: "bool", strings: ["list", "string"] };
    const inTable = GRANT_RECORD_FIELDS.map((field) => ({
      attribute: field.attribute,
      type: schemaType[field.kind],
      optional: "optional" in field,
    })).sort((a, b) => a.attribute.localeCompare(b.attribute));
    expect(inSchema).toEqual(inTable);
  });
});
