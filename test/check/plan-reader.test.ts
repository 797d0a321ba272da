import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeRealShapedPlanWithEvidence } from "../../bench/real-shaped-plan.js";
import { loadEvidence } from "../../src/approval/load-evidence.js";
import { checkPlan } from "../../src/check/check-plan.js";
import { loadCheckConfig } from "../../src/cli/options.js";
import {
  checkPlanShape,
  parsePlanText,
  readPlanFile,
  readPlanFileWithHelper,
  toPolicyInput,
} from "../../src/plan/index.js";
import { inlineUnitChecker } from "../../src/plan/unit-checks.js";
import { loadPolicyEngine, resolveConfig } from "../../src/policy/index.js";
import { continuationPlan, variedPlan } from "../support/varied-plan.js";

// The plan reader reads a file a chunk at a time and keeps one resource change at a time,
// never the whole text. Proved here against the reader that holds everything (JSON.parse of
// the whole text, then the same shape checks), with chunks so small that every token, key
// and multi-byte character is cut somewhere.
const now = 1_800_000_000;
const scratch = mkdtempSync(join(tmpdir(), "tempgrant-plan-reader-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const config = resolveConfig({ approvals: { allowed: ["*@example.com"] } });
const inputOptions = { fallbackNow: now, aliases: config.policy.approvals.aliases };
let files = 0;
const file = (contents: string | Buffer): string => {
  const path = join(scratch, `plan-${(files += 1)}.json`);
  writeFileSync(path, contents);
  return path;
};
const CHUNKS = [1, 2, 3, 7, 64, 4096];

/** An attachment whose policy is known only after apply, as the reader keeps it. */
const attachment = {
  address: "aws_iam_role_policy_attachment.grant_x",
  mode: "managed",
  type: "aws_iam_role_policy_attachment",
  name: "grant_x",
  change: {
    actions: ["create"],
    before: null,
    after: { role: "Zoë—ops 😀" },
    after_unknown: { policy_arn: true, id: true },
  },
};

/** A real-looking plan with every section, names in several scripts, and a module tree. */
function fullPlan(): Record<string, unknown> {
  const plan = variedPlan(120, now) as Record<string, unknown> & { resource_changes: object[] };
  plan.resource_changes.push(
    ...(continuationPlan(6, now) as { resource_changes: object[] }).resource_changes,
  );
  plan.resource_changes.push({
    ...attachment,
    change: { ...attachment.change, after_sensitive: { role: false } },
  });
  return {
    ...plan,
    terraform_version: "1.12.6",
    variables: { region: { value: "eu-west-1" } },
    planned_values: {
      root_module: { resources: [{ address: "a.b", values: { x: "ü" } }], child_modules: [] },
    },
    prior_state: { format_version: "1.0", values: { root_module: { resources: [] } } },
    configuration: {
      root_module: {
        resources: [
          {
            address: "aws_iam_role_policy_attachment.grant_x",
            type: "aws_iam_role_policy_attachment",
            expressions: {
              policy_arn: { references: ["aws_iam_policy.grant_x.arn", "aws_iam_policy.grant_x"] },
            },
          },
          { address: "null_resource.n", type: "null_resource", expressions: {} },
        ],
        module_calls: { team: { module: { resources: [] } } },
      },
    },
    relevant_attributes: [{ resource: "a.b", attribute: ["x"] }],
    checks: [],
  };
}

describe("the plan reader", () => {
  it("reads a file in chunks of any size into the input the whole text gives", async () => {
    const plan = fullPlan();
    const reference = toPolicyInput(checkPlanShape(JSON.parse(JSON.stringify(plan)), "whole"), inputOptions);
    expect(reference.grants.length).toBeGreaterThan(150);
    for (const text of [JSON.stringify(plan), JSON.stringify(plan, null, 2)]) {
      const path = file(text);
      for (const chunkBytes of CHUNKS) {
        const read = readPlanFile(path, { chunkBytes });
        if (read.kind !== "json") throw new Error("read as binary");
        expect([chunkBytes, toPolicyInput(read.plan, inputOptions)]).toEqual([chunkBytes, reference]);
      }
      expect(toPolicyInput(parsePlanText(`\ufeff${text}`, "bom"), inputOptions)).toEqual(reference);
    }
    // Skimmed, its checks made by a helper thread (as a check of a large plan reads it).
    const path = file(JSON.stringify(plan));
    for (const chunkBytes of [7, 4096]) {
      const read = await readPlanFileWithHelper(path, { chunkBytes, helperFromBytes: 0 });
      if (read.kind !== "json") throw new Error("read as binary");
      expect([chunkBytes, toPolicyInput(read.plan, inputOptions)]).toEqual([chunkBytes, reference]);
    }
    // And the verdicts, once, on the file read in the smallest chunks.
    const engine = await loadPolicyEngine(config.policy, undefined, { helperThreads: 0 });
    const read = readPlanFile(file(JSON.stringify(plan)), { chunkBytes: 1 });
    if (read.kind !== "json") throw new Error("read as binary");
    const verdicts = await engine.evaluate(toPolicyInput(read.plan, inputOptions));
    expect(verdicts).toEqual(await engine.evaluate(reference));
    expect(verdicts.deny.length).toBeGreaterThan(100);
    await engine.close();
  });

  it("checks a real-shaped plan, streamed in chunks and in parts, as the whole text read in memory", async () => {
    // Every section tofu writes, grants among other resources, every action, signed
    // approvals and one violation of each kind: judged alike by both readers.
    const realNow = Date.parse("2026-12-02T12:00:00Z") / 1000;
    const evidenceDir = join(scratch, "real-shaped-evidence");
    const path = join(scratch, "real-shaped.json");
    writeRealShapedPlanWithEvidence(
      path,
      { grants: 60, now: realNow, violations: true, others: 2 },
      evidenceDir,
    );
    const realConfig = await loadCheckConfig(join(evidenceDir, "tempgrant.yaml"));
    const options = () => ({
      fallbackNow: realNow,
      aliases: realConfig.policy.approvals.aliases,
      privilegedTypes: realConfig.privilegedTypes,
      approvals: loadEvidence({
        config: realConfig,
        signatures: join(evidenceDir, "approvals"),
        now: realNow,
      }),
    });
    const inMemory = toPolicyInput(checkPlanShape(JSON.parse(readFileSync(path, "utf8")), path), options());
    const engine = await loadPolicyEngine(realConfig.policy, undefined, { helperThreads: 0 });
    const expected = await engine.evaluate(inMemory);
    expect(new Set(expected.deny.map((verdict) => verdict.rule)).size).toBeGreaterThan(5);
    for (const chunkBytes of [7, 4096]) {
      const read = readPlanFile(path, { chunkBytes });
      if (read.kind !== "json") throw new Error("read as binary");
      expect([chunkBytes, toPolicyInput(read.plan, options())]).toEqual([chunkBytes, inMemory]);
    }
    // The check itself: streamed, indexed, its parts evaluated on a helper thread.
    const inParts = await loadPolicyEngine(realConfig.policy, undefined, {
      helperThreads: 1,
      itemsPerPart: 40,
    });
    const report = await checkPlan({
      source: path,
      config: realConfig,
      engine: inParts,
      fallbackNow: realNow,
      approvals: options().approvals,
    });
    expect(report.verdicts).toEqual(expected);
    await Promise.all([engine.close(), inParts.close()]);
  });

  it("keeps of a resource change only what the readers look at", () => {
    const read = readPlanFile(file(JSON.stringify(fullPlan())), { chunkBytes: 5 });
    if (read.kind !== "json") throw new Error("read as binary");
    expect(read.plan.resource_changes?.find((change) => change.type === attachment.type)).toEqual(attachment);
    // Of the configuration, the attachments' expressions; nothing of the planned values.
    expect(read.plan.planned_values).toEqual({});
    expect(JSON.stringify(read.plan)).not.toContain("null_resource.n");
  });

  it("keeps a key named __proto__ as data, as JSON.parse does, not as a prototype", () => {
    const plan = fullPlan() as {
      configuration: { root_module: { module_calls: object } };
      resource_changes: unknown[];
    };
    // `__proto__` is a valid module name; written as JSON text it is an ordinary key.
    const text = JSON.stringify(plan)
      .replace('"module_calls":{', '"module_calls":{"__proto__":{"module":{"resources":[]}},')
      .replace('"checks":[]', '"checks":[],"__proto__":{"resource_changes":[]}');
    for (const chunkBytes of [7, 4096]) {
      const read = readPlanFile(file(text), { chunkBytes });
      if (read.kind !== "json") throw new Error("read as binary");
      const calls = (read.plan as unknown as typeof plan).configuration.root_module.module_calls;
      expect(Object.keys(calls).sort()).toEqual(["__proto__", "team"]);
      expect(Object.getPrototypeOf(calls)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(read.plan)).toBe(Object.prototype);
      expect(Object.hasOwn(read.plan, "__proto__")).toBe(true);
      expect(read.plan.resource_changes?.length).toBe(plan.resource_changes.length);
    }
  });

  const text = JSON.stringify(fullPlan());
  const bad: [string, string | Buffer][] = [
    [
      "a repeated key in a resource change",
      text.replace('"mode":"managed"', '"mode":"managed","mode":"data"'),
    ],
    ["a repeated key at the top level", text.replace('"checks":[]', '"checks":[],"resource_changes":[]')],
    ["a repeated key in the planned values", text.replace('"x":"ü"', '"x":"ü","x":1')],
    ["a number out of range among the variables", text.replace('"value":"eu-west-1"', '"value":-1e400')],
    ["nesting past the limit", text.replace('"checks":[]', `"checks":${"[".repeat(600)}${"]".repeat(600)}`)],
    ["a syntax error in a resource change", text.replace('"mode":"managed"', '"mode":"managed" "x":1')],
    ["a syntax error between sections", text.replace(',"configuration":', ',,"configuration":')],
    ["a truncated plan", text.slice(0, Math.floor(text.length / 2))],
    ["text after the plan", `${text} {}`],
    ["a NUL byte", text.replace('"checks":[]', '"checks":["\u0000"]')],
    [
      "a byte that is not UTF-8",
      Buffer.concat([
        Buffer.from(text.slice(0, 500)),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(text.slice(500)),
      ]),
    ],
  ];

  it.each(bad)(
    "refuses %s with the message the whole text gives, at any chunk size",
    async (_name, contents) => {
      const path = file(contents);
      const message = (read: () => unknown) => {
        try {
          read();
        } catch (error) {
          return (error as Error).message.replace(/^.*?: /, "");
        }
        return "read";
      };
      const skimmed = async (chunkBytes: number) => {
        try {
          await readPlanFileWithHelper(path, { chunkBytes, helperFromBytes: 0 });
        } catch (error) {
          return (error as Error).message.replace(/^.*?: /, "");
        }
        return "read";
      };
      const whole = message(() =>
        Buffer.isBuffer(contents)
          ? readPlanFile(path, { chunkBytes: 1 << 24 })
          : parsePlanText(contents, path),
      );
      expect(whole).not.toBe("read");
      for (const chunkBytes of CHUNKS) {
        expect([chunkBytes, message(() => readPlanFile(path, { chunkBytes }))]).toEqual([chunkBytes, whole]);
      }
      // Skimmed, with a helper thread checking: refused the same, whether the helper or the walk finds it.
      for (const chunkBytes of [7, 4096])
        expect([chunkBytes, await skimmed(chunkBytes)]).toEqual([chunkBytes, whole]);
      // Too large to hand JSON.parse whole: the walk's own description, still naming the place.
      const streamed = message(() => readPlanFile(path, { chunkBytes: 7, wholeTextDiagnosisBytes: 0 }));
      if (whole.startsWith("is not valid JSON")) {
        expect(streamed).toMatch(
          /^is not valid JSON \(.*(at line \d+, column \d+|it ends early: truncated\?)\)$/,
        );
      } else expect(streamed).toBe(whole);
    },
  );

  it("skims as it reads in place: 200 damaged plans, each read the same both ways", async () => {
    // Every kind of damage a byte can do, anywhere: the skimming walk (checks made on the
    // side, batch by batch) must accept exactly what the walk in place accepts, and say the same.
    // Most of its bytes in what the walk skims (planned values, prior state), as in a real plan.
    const plan = fullPlan() as { resource_changes: { address: string; change: { after: unknown } }[] };
    const skimmed = plan.resource_changes.map(({ address, change }) => ({ address, values: change.after }));
    const source = JSON.stringify({
      ...plan,
      planned_values: { root_module: { resources: skimmed } },
      prior_state: { values: { root_module: { resources: skimmed.slice(0, 60) } } },
    });
    const pieces = [
      '"',
      "\\",
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      "1e999",
      "-",
      "0",
      " ",
      "\\ud800",
      "tru",
      "\u0001",
    ];
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    const outcome = async (read: () => Promise<unknown> | unknown) => {
      try {
        const contents = (await read()) as { plan?: unknown };
        // The plan read, by its digest: a failure names the damage, not the whole plan.
        return `read ${createHash("sha256").update(JSON.stringify(contents.plan)).digest("hex")}`;
      } catch (error) {
        return (error as Error).message.replace(/^.*?: /, "");
      }
    };
    let refused = 0;
    for (let round = 0; round < 200; round += 1) {
      const at = random(source.length);
      const cut = random(3);
      const damaged = source.slice(0, at) + pieces[random(pieces.length)]! + source.slice(at + cut);
      const path = file(damaged);
      const chunkBytes = [4096, 1 << 20][round % 2]!;
      const inPlace = await outcome(() => readPlanFile(path, { chunkBytes }));
      const skimming = await outcome(() =>
        readPlanFileWithHelper(path, { chunkBytes, helperFromBytes: 0, checker: inlineUnitChecker }),
      );
      expect([round, at, skimming]).toEqual([round, at, inPlace]);
      if (!inPlace.startsWith("read ")) refused += 1;
    }
    expect(refused).toBeGreaterThan(50);
  });
});
