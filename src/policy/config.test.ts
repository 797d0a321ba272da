import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";
import { CONFIG_VALIDATOR_FILE, configValidatorSource } from "./config-validator-source.js";

describe("tempgrant.yaml validation", () => {
  it("uses a validator generated from the current schema (run `npm run config:validator` after editing it)", () => {
    const committed = readFileSync(new URL(`./${CONFIG_VALIDATOR_FILE}`, import.meta.url), "utf8");
    expect(committed).toBe(configValidatorSource());
  });

  it("names every problem and where it is", async () => {
    const text = "maxDuration:\n  default: 2 hours\nreason:\n  minLength: 0\ncolour: blue\n";
    const error = await parseConfig(text, "tempgrant.yaml").catch((caught: unknown) => caught);
    expect((error as { problems: unknown }).problems).toEqual([
      { path: "", code: "CONFIG_INVALID", message: 'unknown setting "colour"' },
      {
        path: "maxDuration.default",
        code: "CONFIG_INVALID",
        message: 'must match pattern "^([0-9]+[wdhms])+$"',
      },
      { path: "reason.minLength", code: "CONFIG_INVALID", message: "must be >= 1" },
    ]);
  });

  it("accepts a valid file and fills the defaults", async () => {
    const config = await parseConfig("approvals:\n  required: 2\n", "tempgrant.yaml");
    expect(config.policy.approvals.required).toBe(2);
    expect(config.policy.maxDurationSeconds.byAccess.admin).toBe(7_200);
  });
});
