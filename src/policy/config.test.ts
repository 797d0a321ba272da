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

  it("refuses half a surrogate pair anywhere, naming where (it was an internal error)", async () => {
    for (const [text, where] of [
      ['approvals:\n  allowed: ["ok@example.com", "\\ud800*"]\n', "approvals.allowed[1]"],
      ['ticketPattern: "\\udc00"\n', "ticketPattern"],
      ['scope:\n  forbiddenRoles: ["\\ud83d"]\n', "scope.forbiddenRoles[0]"],
    ]) {
      const error = await parseConfig(text!, "tempgrant.yaml").catch((caught: unknown) => caught);
      expect((error as { problems: unknown }).problems).toEqual([
        {
          path: "",
          code: "TEXT_NOT_UNICODE",
          message: expect.stringMatching(
            new RegExp(
              `^${where!.replace(/[[\].]/g, "\\$&")} holds half of a surrogate pair \\(U\\+D[89A-F][0-9A-F]{2}\\), not text`,
            ),
          ),
        },
      ]);
    }
  });

  it("refuses a ticket pattern the policy engine's RE2 cannot run, and accepts escaped look-alikes", async () => {
    for (const pattern of [
      "^(?=OPS)[A-Z]+-[0-9]+$",
      "^(?!X).*$",
      "(?<=a)b",
      "(a)\\1",
      "(?<t>a)\\k<t>",
      "\\\\(?=x)",
    ]) {
      const error = await parseConfig(`ticketPattern: '${pattern}'\n`, "tempgrant.yaml").catch(
        (caught: unknown) => caught,
      );
      expect((error as { problems?: unknown }).problems, pattern).toEqual([
        {
          path: "ticketPattern",
          code: "CONFIG_INVALID",
          message: expect.stringMatching(/not supported by the policy engine's regular expressions \(RE2/),
        },
      ]);
    }
    for (const pattern of ["^[A-Z]+-[0-9]+$", "^\\(?[A-Z]+\\)?$", "^a\\\\1$"]) {
      await expect(
        parseConfig(`ticketPattern: '${pattern}'\n`, "tempgrant.yaml"),
        pattern,
      ).resolves.toBeDefined();
    }
  });
});
