import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { validateXML } from "xmllint-wasm";
import { describe, expect, it } from "vitest";
import type { CheckReport } from "../check/check-plan.js";
import { CHECK_FORMATS, renderReports } from "./check-formats.js";

const report: CheckReport = {
  source: "plans/prod.json",
  now: Date.UTC(2027, 0, 11, 9) / 1000,
  grants: 2,
  resources: 5,
  verdicts: {
    deny: [
      {
        level: "deny",
        rule: "approvals/no-self-approval",
        grant: "alice-orders-read",
        address: "tempgrant_grant.grant_alice_orders_read",
        message:
          'grant alice-orders-read: "Alice@example.com" approves a grant whose requester is "alice@example.com"; ask someone else',
      },
      {
        level: "deny",
        rule: "unmanaged/privileged-without-grant",
        grant: null,
        address: "aws_iam_user_policy.backdoor",
        message:
          'aws_iam_user_policy.backdoor (aws_iam_user_policy) gives access but belongs to no grant <&> | "quoted"',
      },
    ],
    warn: [
      {
        level: "warn",
        rule: "break-glass/reported",
        grant: "bob-breakglass",
        address: "tempgrant_grant.grant_bob_breakglass",
        message:
          "break-glass grant bob-breakglass for bob@example.com on orders-db (INC-981: stuck refunds): review it after the incident",
      },
      {
        level: "warn",
        rule: "declared/expired",
        grant: "carol-old",
        address: null,
        message:
          "grant carol-old is not planned: it expired 1d2h ago (window until 2027-01-10T07:00:00Z; grants/team.yaml:12); remove it or declare a new grant",
      },
    ],
  },
};
const passing: CheckReport = { ...report, verdicts: { deny: [], warn: [] } };
const staging: CheckReport = { ...passing, source: "plans/staging.json", grants: 1, resources: 2 };

describe("check output formats", () => {
  it.each(Object.keys(CHECK_FORMATS))("%s matches its golden file", async (name) => {
    const render = CHECK_FORMATS[name as keyof typeof CHECK_FORMATS];
    await expect(render(report)).toMatchFileSnapshot(join("golden", `check.${name}`));
    await expect(render(passing)).toMatchFileSnapshot(join("golden", `check-pass.${name}`));
  });

  it("writes SARIF that validates against the SARIF 2.1.0 schema", () => {
    const require = createRequire(import.meta.url);
    const schemaPath = join(
      dirname(require.resolve("@microsoft/jest-sarif/package.json")),
      "lib",
      "schemas",
      "sarif-2.1.0-rtm.5.json",
    );
    // The SARIF schema is draft-04; its CommonJS module is the validator class itself.
    const Ajv04 = require("ajv-draft-04") as typeof import("ajv-draft-04").default;
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    // The schema's formats (uri, uri-reference, date-time) are checked, not ignored with a warning.
    const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
    addFormats(ajv);
    const validate = ajv.compile(require(schemaPath) as object);
    for (const sarif of [
      CHECK_FORMATS.sarif(report),
      CHECK_FORMATS.sarif(passing),
      renderReports("sarif", [report, staging]),
    ]) {
      const valid = validate(JSON.parse(sarif));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it("writes JUnit XML that validates against the JUnit XSD (Jenkins xUnit junit-10.xsd)", async () => {
    const schema = readFileSync(new URL("../../test/fixtures/junit/junit-10.xsd", import.meta.url), "utf8");
    for (const contents of [
      CHECK_FORMATS.junit(report),
      CHECK_FORMATS.junit(passing),
      renderReports("junit", [report, staging]),
    ]) {
      const result = await validateXML({
        xml: [{ fileName: "check.xml", contents }],
        schema: [schema],
      });
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it("writes well-formed JUnit XML with one failing case per grant with denials", () => {
    const xml = CHECK_FORMATS.junit(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === "testcase" }).parse(
      xml,
    ) as {
      testsuites: {
        "@_failures": string;
        testsuite: { testcase: { "@_name": string; failure?: unknown }[] };
      };
    };
    expect(doc.testsuites["@_failures"]).toBe("2");
    expect(doc.testsuites.testsuite.testcase.map((c) => [c["@_name"], c.failure !== undefined])).toEqual([
      ["grant alice-orders-read", true],
      ["resources outside grants", true],
      ["grant bob-breakglass", false],
      ["grant carol-old", false],
    ]);
  });

  it("puts several stacks' reports in one document for the machine formats", () => {
    const sarif = JSON.parse(renderReports("sarif", [report, staging])) as { runs: { results: unknown[] }[] };
    expect(sarif.runs.map((run) => run.results.length)).toEqual([4, 0]);
    const junit = renderReports("junit", [report, staging]);
    expect(junit.match(/<\?xml/g)).toHaveLength(1);
    expect(junit.match(/<testsuite /g)).toHaveLength(2);
    expect(junit).toContain('<testsuites name="tempgrant" tests="5" failures="2" errors="0">');
    const json = JSON.parse(renderReports("json", [staging, report])) as Record<string, unknown>;
    expect(json).toMatchObject({ passed: false, grants: 3, resources: 7 });
    expect((json.deny as { source: string }[]).map((verdict) => verdict.source)).toEqual([
      "plans/prod.json",
      "plans/prod.json",
    ]);
    expect(json.stacks).toHaveLength(2);
    expect(renderReports("json", [report])).toBe(CHECK_FORMATS.json(report));
    expect(renderReports("text", [report, staging])).toBe(
      CHECK_FORMATS.text(report) + CHECK_FORMATS.text(staging),
    );
  });
});
