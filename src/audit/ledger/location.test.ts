import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../policy/config.js";
import { resolveLedgerPath } from "./location.js";

describe("resolveLedgerPath", () => {
  const config = { ledger: "/from/config/ledger.jsonl" };
  const env = { TEMPGRANT_LEDGER: "from-env.jsonl" };

  it("takes --ledger, then TEMPGRANT_LEDGER, then tempgrant.yaml, then the project's .tempgrant/", () => {
    expect(resolveLedgerPath({ option: "flag.jsonl", env, config, projectDir: "/p" })).toBe(
      resolve("flag.jsonl"),
    );
    expect(resolveLedgerPath({ env, config, projectDir: "/p" })).toBe(resolve("from-env.jsonl"));
    expect(resolveLedgerPath({ env: { TEMPGRANT_LEDGER: "" }, config, projectDir: "/p" })).toBe(
      "/from/config/ledger.jsonl",
    );
    expect(resolveLedgerPath({ env: {}, config: {}, projectDir: "/p" })).toBe("/p/.tempgrant/ledger.jsonl");
    expect(resolveLedgerPath({ env: {} })).toBe(join(process.cwd(), ".tempgrant", "ledger.jsonl"));
  });

  it("reads ledger: from tempgrant.yaml relative to that file, not to the working folder", async () => {
    const parsed = await parseConfig("ledger: audit/ledger.jsonl\n", "/srv/grants/tempgrant.yaml");
    expect(parsed.ledger).toBe("/srv/grants/audit/ledger.jsonl");
    expect(
      (await parseConfig("revocationMargin: 5m\n", "/srv/grants/tempgrant.yaml")).ledger,
    ).toBeUndefined();
    await expect(parseConfig('ledger: ""\n', "tempgrant.yaml")).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});
