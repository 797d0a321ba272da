// The benchmark's real-shaped plans (bench/real-shaped-plan.ts) held to real `tofu show -json`
// output of our own stacks (test/fixtures/real-plans, `npm run fixtures:plans`): the same
// sections in the same order, the same keys per resource change and per value, and bytes per
// resource within a stated tolerance. So the generator cannot drift from what tofu and our
// provider write; and tempgrant check must pass its plans, or deny exactly what they plant.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { writeRealShapedPlan, writeRealShapedPlanWithEvidence } from "../../bench/real-shaped-plan.js";
import { runCommand } from "../../src/exec/run-command.js";
import { readToolchainManifest } from "../../src/toolchain/manifest.js";
import { runCli } from "../support/cli.js";

/** How far the serialized size of a generated resource may be from its real counterpart's. */
const BYTES_TOLERANCE = 0.3;
/**
 * Sections OpenTofu writes only when there is something in them (jsonplan: omitempty): drift
 * since the last apply, and check results (preconditions, check blocks). None of our fixture
 * stacks has either; the generator writes both, laid out as OpenTofu 1.12.6's jsonplan and
 * jsonchecks packages write them.
 */
const WRITTEN_WHEN_PRESENT = ["resource_drift", "checks"];
/** Keys that say where an instance is (a module, an instance key, a move), not what it is. */
const PLACEMENT = new Set(["module_address", "index", "previous_address"]);

type Json = Record<string, unknown>;
interface Change extends Json {
  address: string;
  type: string;
  change: Json & { actions: string[]; before: Json | null; after: Json | null };
}
interface Plan extends Json {
  resource_changes: Change[];
}

const FIXTURES = fileURLToPath(new URL("../fixtures/real-plans/", import.meta.url));
const realPlans = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".plan.json"))
  .sort()
  .map((name) => ({ name, plan: JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as Plan }));

const scratch = mkdtempSync(join(tmpdir(), "tempgrant-real-shaped-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const NOW = Date.parse("2026-12-02T12:00:00Z") / 1000;

function generated(grants: number, violations = false): Plan {
  const path = join(scratch, `plan-${grants}-${violations}.json`);
  writeRealShapedPlan(path, { grants, now: NOW, violations });
  return JSON.parse(readFileSync(path, "utf8")) as Plan;
}

const kind = (change: Change) => `${change.type} ${change.change.actions.join(",")}`;
const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const keys = (value: unknown) =>
  typeof value === "object" && value !== null ? Object.keys(value).filter((key) => !PLACEMENT.has(key)) : [];

/** The first real resource change of each kind (type and actions) across our fixtures. */
const realByKind = new Map<string, Change>();
for (const { plan } of realPlans)
  for (const change of plan.resource_changes)
    if (!realByKind.has(kind(change))) realByKind.set(kind(change), change);

/** The planned_values (or prior_state) entry of `address`, searched through child modules. */
function stateEntry(module: unknown, address: string): Json | undefined {
  const tree = module as { resources?: Json[]; child_modules?: unknown[] } | undefined;
  return (
    tree?.resources?.find((resource) => resource.address === address) ??
    tree?.child_modules?.map((child) => stateEntry(child, address)).find(Boolean)
  );
}
/** Bytes of an entry without the names that say where it is (module paths, instance keys). */
const content = (entry: unknown) => {
  if (entry === undefined) throw new Error("no such entry");
  const {
    address: _a,
    module_address: _m,
    name: _n,
    index: _i,
    previous_address: _p,
    ...rest
  } = entry as Json;
  return size(rest);
};

function expectWithinTolerance(ours: Record<string, number>, theirs: Record<string, number>): void {
  for (const section of Object.keys(theirs)) {
    const [mine, real] = [ours[section]!, theirs[section]!];
    if (real === 0) {
      expect(mine, section).toBe(0);
      continue;
    }
    const message = `${section}: ${mine} bytes against tofu's ${real}`;
    expect(mine / real, message).toBeGreaterThan(1 - BYTES_TOLERANCE);
    expect(mine / real, message).toBeLessThan(1 + BYTES_TOLERANCE);
  }
}

const configEntry = (plan: Plan, address: string) =>
  ((plan.configuration as { root_module: { resources: Json[] } }).root_module.resources ?? []).find(
    (resource) => resource.address === address,
  );

describe("real-shaped benchmark plans", () => {
  const plan = generated(40);

  it("have the sections real plans have, in tofu's order", () => {
    const real = [...new Set(realPlans.flatMap(({ plan: p }) => Object.keys(p)))];
    const ours = Object.keys(plan);
    expect(ours).toEqual(expect.arrayContaining(real));
    expect(ours.filter((key) => !real.includes(key))).toEqual(WRITTEN_WHEN_PRESENT);
    // Every pair of sections both write comes in the same order.
    for (const { plan: p } of realPlans) {
      const shared = Object.keys(p);
      expect(ours.filter((key) => shared.includes(key))).toEqual(shared);
    }
  });

  it("make grants a minority and mix every kind of action, in modules and count and for_each", () => {
    const changes = plan.resource_changes;
    const grantShare =
      changes.filter((change) => change.type.startsWith("tempgrant_")).length / changes.length;
    expect(grantShare).toBeCloseTo(0.2, 5);
    const actions = new Set(changes.map((change) => change.change.actions.join(",")));
    expect([...actions].sort()).toEqual(["create", "delete", "delete,create", "no-op", "update"].sort());
    const grantActions = new Set(
      changes.filter((c) => c.type === "tempgrant_grant").map((c) => c.change.actions.join(",")),
    );
    expect([...grantActions].sort()).toEqual(["create", "delete", "no-op", "update"]);
    expect(changes.some((change) => typeof change.index === "number")).toBe(true);
    expect(changes.some((change) => typeof change.index === "string")).toBe(true);
    expect(changes.some((change) => String(change.module_address).includes(".module.inner"))).toBe(true);
    expect(
      changes.some(
        (change) =>
          change.change.after_sensitive && JSON.stringify(change.change.after_sensitive).includes("true"),
      ),
    ).toBe(true);
    expect(changes.some((change) => JSON.stringify(change.change.after_unknown).includes("true"))).toBe(true);
    // Removals before expiry and revocations after it.
    const removed = changes.filter((c) => c.type === "tempgrant_grant" && c.change.actions[0] === "delete");
    const expiries = removed.map((c) => Date.parse(String(c.change.before!.expires_at)) / 1000);
    expect(expiries.some((expiry) => expiry > NOW)).toBe(true);
    expect(expiries.some((expiry) => expiry < NOW)).toBe(true);
  });

  const kinds = [...new Set(plan.resource_changes.map(kind))].filter((k) => realByKind.has(k)).sort();

  it("have a real counterpart for most kinds of resource change", () => {
    // Grant records, roles and terraform_data: created, updated and deleted; terraform_data unchanged.
    expect(kinds.length).toBeGreaterThanOrEqual(7);
  });

  it.each(kinds)("%s: the same keys as tofu writes, all the way down", (name) => {
    const real = realByKind.get(name)!;
    const attributes = (change: Change, side: "before" | "after") =>
      [
        ...new Set([
          ...keys(change.change[side]),
          ...(side === "after" ? keys(change.change.after_unknown) : []),
        ]),
      ].sort();
    for (const change of plan.resource_changes.filter((c) => kind(c) === name)) {
      expect(keys(change).sort()).toEqual(keys(real).sort());
      expect(keys(change.change).sort()).toEqual(keys(real.change).sort());
      // Each side's attributes, known or not (a value known only after apply is left out of
      // `after` and marked in after_unknown).
      for (const side of ["before", "after"] as const)
        expect(attributes(change, side)).toEqual(attributes(real, side));
      // Marks only on attributes the side has.
      for (const side of ["before", "after"] as const) {
        const marks = change.change[`${side}_sensitive`];
        if (change.change[side] === null) expect(marks).toBe(false);
        else expect(attributes(change, side)).toEqual(expect.arrayContaining(keys(marks)));
      }
      expect(attributes(change, "after")).toEqual(expect.arrayContaining(keys(change.change.after_unknown)));
    }
  });

  it.each(kinds)(`%s: bytes within ${BYTES_TOLERANCE * 100}% of tofu's, in every section`, (name) => {
    const real = realByKind.get(name)!;
    const realPlan = realPlans.find(({ plan: p }) => p.resource_changes.includes(real))!.plan;
    // Its first instance in the root module when there is one, as the real counterparts are
    // (module addresses are longer: compared separately, as a whole grant, below).
    const candidates = plan.resource_changes.filter((c) => kind(c) === name);
    const change = candidates.find((c) => c.module_address === undefined) ?? candidates[0]!;
    const sections = (p: Plan, c: Change) => ({
      resource_changes: content(c),
      planned_values: c.change.after
        ? content(stateEntry((p.planned_values as Json).root_module, c.address))
        : 0,
      prior_state: c.change.before
        ? content(stateEntry(((p.prior_state as Json).values as Json).root_module, c.address))
        : 0,
      // Configuration is per block; count and for_each instances share theirs.
      configuration:
        c.type.startsWith("tempgrant_") && c.change.after ? content(configEntry(p, c.address)) : 0,
    });
    expectWithinTolerance(sections(plan, change), sections(realPlan, real));
  });

  it(`a created grant (record and role) is within ${BYTES_TOLERANCE * 100}% of tofu's bytes, every section counted`, () => {
    const real = realPlans.find(({ name }) => name === "postgresql-grants.plan.json")!.plan;
    const grantBytes = (p: Plan, addresses: string[]) => {
      const tree = (section: unknown) =>
        addresses.map((a) => size(stateEntry(section, a))).reduce((x, y) => x + y);
      return {
        resource_changes: addresses
          .map((a) => size(p.resource_changes.find((c) => c.address === a)))
          .reduce((x, y) => x + y),
        planned_values: tree((p.planned_values as Json).root_module),
        configuration: addresses.map((a) => size(configEntry(p, a))).reduce((x, y) => x + y),
      };
    };
    expectWithinTolerance(
      grantBytes(plan, ["tempgrant_grant.grant_0", "tempgrant_postgresql_login_role.grant_0"]),
      grantBytes(real, [
        "tempgrant_grant.alice_orders_read",
        "tempgrant_postgresql_login_role.alice_orders_read",
      ]),
    );
  });

  it("keep fewer other resources per grant when asked, the grants and the mix of actions unchanged", () => {
    const own = (p: Plan) => p.resource_changes.filter((change) => !change.address.startsWith("module."));
    for (const others of [0, 1, 2]) {
      const path = join(scratch, `plan-others-${others}.json`);
      writeRealShapedPlan(path, { grants: 40, now: NOW, others });
      const fewer = JSON.parse(readFileSync(path, "utf8")) as Plan;
      expect(fewer.resource_changes).toHaveLength(40 * (2 + others));
      expect(own(fewer)).toEqual(own(plan));
      // The other resources still create, update, replace and leave alone (and delete, but
      // not the endpoint: its precondition keeps it).
      const actions = new Set(
        fewer.resource_changes.filter((change) => change.address.startsWith("module.")).map(kind),
      );
      if (others === 0) expect(actions.size).toBe(0);
      else expect(actions.size).toBeGreaterThanOrEqual(4);
      expect(size(fewer) / 40).toBeLessThan(size(plan) / 40 / (others === 0 ? 2.5 : 1.8));
    }
  });

  it("grow linearly: the same bytes per grant at 40 and 400 grants", () => {
    const small = size(plan) / 40;
    const large = size(generated(400)) / 400;
    expect(Math.abs(large - small) / small).toBeLessThan(0.05);
  });
});

describe("tempgrant check on real-shaped plans", () => {
  const check = async (grants: number, violations: boolean) => {
    const evidence = join(scratch, `evidence-${grants}-${violations}`);
    const planPath = join(scratch, `checked-${grants}-${violations}.json`);
    writeRealShapedPlanWithEvidence(planPath, { grants, now: NOW, violations }, evidence);
    const result = await runCli([
      "check",
      planPath,
      "--format",
      "json",
      "--config",
      join(evidence, "tempgrant.yaml"),
      "--signatures",
      join(evidence, "approvals"),
    ]);
    expect(result.stderr).toBe("");
    return {
      planPath,
      exitCode: result.exitCode,
      report: JSON.parse(result.stdout) as {
        passed: boolean;
        deny: { rule: string; address: string }[];
        warn: unknown[];
      },
    };
  };

  it("passes a plan whose grants are approved by signatures", async () => {
    const { exitCode, report } = await check(100, false);
    expect(report).toMatchObject({ passed: true, deny: [], warn: [] });
    expect(exitCode).toBe(0);
  });

  it("denies exactly the violations a plan plants, and nothing else", async () => {
    const { exitCode, report } = await check(40, true);
    expect(exitCode).toBe(1);
    expect(new Set(report.deny.map((v) => `${v.rule} ${v.address}`))).toEqual(
      new Set([
        "unmanaged/privileged-without-grant tempgrant_postgresql_login_role.standing_4",
        // self-approval: the principal has no key, so the approval is no evidence at all
        "approvals/evidence-verified tempgrant_grant.grant_1",
        "approvals/min-approvers tempgrant_grant.grant_1",
        "approvals/min-approvers tempgrant_grant.grant_2",
        "duration/max-duration tempgrant_grant.grant_3",
        "approvals/evidence-verified tempgrant_grant.grant_5",
        "approvals/min-approvers tempgrant_grant.grant_5",
        "expiry/expiry-known tempgrant_grant.grant_5",
        "unknown/known-at-plan tempgrant_grant.grant_5",
        "unknown/known-at-plan tempgrant_postgresql_login_role.grant_5",
        "approvals/evidence-verified tempgrant_grant.grant_6",
        "approvals/min-approvers tempgrant_grant.grant_6",
        "extension/fresh-approval tempgrant_grant.grant_6",
      ]),
    );
  });

  // The peer the check benchmark times opa eval and conftest with: it must judge alike.
  const DIRECT_POLICY = fileURLToPath(new URL("../../bench/direct-policy/", import.meta.url));
  const opa = readToolchainManifest()?.opa ?? "opa";

  it("the direct policy passes its opa tests", async () => {
    const result = await runCommand({ program: opa, args: ["test", DIRECT_POLICY] });
    expect(result.stdout + result.stderr).toMatch(/PASS: (\d+)\/\1\b/);
    expect(result.exitCode).toBe(0);
  });

  it("the direct policy denies the same grants and resources as tempgrant check", async () => {
    const subjects = (list: { grant: string | null; address: string }[]) =>
      [...new Set(list.map((v) => v.grant ?? v.address))].sort();
    for (const violations of [true, false]) {
      const { planPath, report } = await check(violations ? 40 : 100, violations);
      const result = await runCommand({
        program: opa,
        args: ["eval", "--format", "json", "-d", DIRECT_POLICY, "-i", planPath, "data.main.violations"],
      });
      expect(result.exitCode).toBe(0);
      const direct = (JSON.parse(result.stdout) as { result: { expressions: { value: [] }[] }[] }).result[0]!
        .expressions[0]!.value;
      expect(subjects(direct)).toEqual(subjects(report.deny as never));
      expect(direct.length > 0).toBe(violations);
    }
  });
});
