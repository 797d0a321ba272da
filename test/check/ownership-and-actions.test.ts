import { describe, expect, it } from "vitest";
import { formatTimestamp, GRANT_RECORD_TYPE, grantRecordOfResource } from "../../src/grant/index.js";
import { checkPlanShape } from "../../src/plan/index.js";
import { resolveConfig } from "../../src/policy/index.js";
import { askedApproversSign } from "../support/approve-grants.js";
import { planDenials } from "../support/plan-denials.js";

// Access that outlives its record (a record deleted, forgotten or edited while its resource
// stays), action lists and plan fields the reader must refuse rather than guess, and
// break-glass and rename windows measured from when access really began. Crafted plan JSON
// through the real policy bundle; fail-closed.test.ts has the same cases through real tofu
// where tofu can make them.
const now = 1_900_000_000;
const hour = 3_600;
const at = (seconds: number) => formatTimestamp(now + seconds);

const record = (overrides: object = {}) => ({
  ...grantRecordOfResource(GRANT_RECORD_TYPE, {
    grant_id: "alice-read",
    principal: "alice@example.com",
    target: "orders-db",
    access: "read",
    expires_at: at(hour),
    reason: "investigate INC-42 refunds",
    ticket: "INC-42",
    requested_by: "alice@example.com",
    approved_by: ["bob@example.com"],
    break_glass: false,
    binding: "postgresql",
    native_expiry: false,
    resources: ["postgresql_role.grant"],
  }),
  ...overrides,
});
const change = (address: string, type: string, actions: string[], before: unknown, after: unknown) => ({
  address,
  mode: "managed",
  type,
  name: address.split(".")[1],
  change: { actions, before, after, after_unknown: {} },
});
const recordChange = (address: string, actions: string[], before: object | null, after: object | null) =>
  change(address, "terraform_data", actions, before && { input: before }, after && { input: after });
const role = { name: "tg_alice", login: false, roles: ["orders_read"] };
const plan = (...changes: object[]) => ({
  format_version: "1.2",
  timestamp: formatTimestamp(now),
  planned_values: {},
  resource_changes: changes,
});

const denials = planDenials(resolveConfig({}), () => now);

const leftBehind = (address: string) =>
  `unmanaged/left-behind: grant alice-read listed ${address}, which this plan neither destroys nor leaves to a grant that stays: the access would outlive its grant with nothing to revoke it; destroy it with the record`;
const forgottenRecord =
  "unmanaged/left-behind: the record of grant alice-read would be forgotten by tofu (removed with destroy = false, or replaced under lifecycle destroy = false): nothing would judge or revoke the grant after it; destroy the record instead";

describe("a grant's access goes with its record", () => {
  it("passes a record destroyed with its access, and a record replaced that keeps listing it", async () => {
    expect(
      await denials(
        plan(
          recordChange("terraform_data.grant", ["delete"], record(), null),
          change("postgresql_role.grant", "postgresql_role", ["delete"], role, null),
        ),
      ),
    ).toEqual([]);
    expect(
      await denials(
        plan(
          recordChange(
            "terraform_data.grant",
            ["delete", "create"],
            record(),
            record({ reason: "still INC-42" }),
          ),
          change("postgresql_role.grant", "postgresql_role", ["no-op"], role, role),
        ),
      ),
    ).toEqual([]);
  });

  it("denies a record deleted while its resource stays, or is left out of a targeted plan", async () => {
    for (const access of [[change("postgresql_role.grant", "postgresql_role", ["no-op"], role, role)], []]) {
      expect(
        await denials(plan(recordChange("terraform_data.grant", ["delete"], record(), null), ...access)),
      ).toEqual([leftBehind("postgresql_role.grant")]);
    }
  });

  it("denies a record edited to drop an address whose resource stays", async () => {
    const doc = plan(
      recordChange("terraform_data.grant", ["update"], record(), record({ resources: [] })),
      change("postgresql_role.grant", "postgresql_role", ["no-op"], role, role),
    );
    expect(await denials(doc)).toEqual([leftBehind("postgresql_role.grant")]);
  });

  it("denies a record tofu would forget, alone or forgotten and created again in either order", async () => {
    // ["forget","create"] is what tofu writes for a replacement under destroy = false,
    // ["create","forget"] what Terraform writes: the new record (a year longer, admin) would
    // otherwise never be judged.
    const widened = record({ access: "admin", expiresAt: at(365 * 24 * hour), approvedBy: [] });
    for (const [actions, after] of [
      [["forget"], null],
      [["forget", "create"], widened],
      [["create", "forget"], widened],
    ] as const) {
      const doc = plan(
        recordChange("terraform_data.grant", [...actions], record(), after),
        change("postgresql_role.grant", "postgresql_role", ["no-op"], role, role),
      );
      expect([actions, await denials(doc)]).toEqual([
        actions,
        [leftBehind("postgresql_role.grant"), forgottenRecord],
      ]);
    }
  });

  it("denies a grant's own resource forgotten, whatever its type, in either order", async () => {
    for (const actions of [["forget"], ["forget", "create"], ["create", "forget"]]) {
      const doc = plan(
        recordChange("terraform_data.grant", ["no-op"], record({ resources: ["null_resource.access"] }), {
          ...record({ resources: ["null_resource.access"] }),
        }),
        change("null_resource.access", "null_resource", actions, {}, {}),
      );
      expect([actions, await denials(doc)]).toEqual([
        actions,
        [
          "unmanaged/privileged-without-grant: null_resource.access (null_resource) would be forgotten by tofu and stay in the target with nothing to revoke it: destroy it instead",
        ],
      ]);
    }
  });
});

describe("the reader refuses what tofu never writes", () => {
  const refused = (doc: unknown) => {
    try {
      checkPlanShape(doc, "plan.json");
      return "read";
    } catch (error) {
      return (error as Error).message;
    }
  };
  const privileged = (overrides: object) => ({
    ...change("postgresql_role.standing", "postgresql_role", ["create"], null, role),
    ...overrides,
  });

  it("refuses action lists neither tofu nor Terraform writes", () => {
    for (const actions of [[], ["Create"], ["create", "update"], ["no-op", "no-op"]]) {
      const entry = privileged({ change: { actions, before: null, after: role, after_unknown: {} } });
      expect(refused(plan(entry))).toBe(
        `plan.json: resource_changes[0] (postgresql_role.standing) has actions ${JSON.stringify(actions)}, which neither tofu nor Terraform writes`,
      );
    }
  });

  it("refuses a mode other than managed or data, and a data source that does more than read", () => {
    expect(refused(plan(privileged({ mode: "Managed" })))).toBe(
      'plan.json: resource_changes[0] (postgresql_role.standing) has mode "Managed": expected "managed" or "data"',
    );
    expect(refused(plan(privileged({ mode: "data" })))).toBe(
      'plan.json: resource_changes[0] (postgresql_role.standing) is a data source with actions ["create"]: a data source is only read',
    );
    expect(refused(plan(privileged({ mode: "data", change: { actions: ["read"], after: {} } })))).toBe(
      "read",
    );
  });

  it("refuses resource_drift that is not a list of changes, and a timestamp that is not a time", () => {
    const withField = (field: object) => ({ ...plan(), ...field });
    expect(refused(withField({ resource_drift: {} }))).toBe(
      "plan.json: has resource_drift that is not a list",
    );
    expect(refused(withField({ resource_drift: [null] }))).toBe(
      "plan.json: resource_drift[0] is not an object",
    );
    expect(refused(withField({ resource_drift: [{ address: "a.b", type: "a" }] }))).toBe(
      "plan.json: resource_drift[0] (a.b) has no change",
    );
    expect(refused(withField({ timestamp: 5 }))).toBe(
      "plan.json: has a timestamp that is not an RFC 3339 time (5)",
    );
    expect(refused(withField({ timestamp: "yesterday" }))).toBe(
      'plan.json: has a timestamp that is not an RFC 3339 time ("yesterday")',
    );
    expect(refused(null)).toBe("plan.json: is JSON but not a plan (top level is null)");
  });
});

describe("break-glass and renames are measured from when access began", () => {
  const breakGlass = (id: string, overrides: object = {}) =>
    record({
      id,
      breakGlass: true,
      approvedBy: [],
      resources: [`postgresql_role.${id}`],
      ...overrides,
    });
  const access = (id: string, actions: string[]) =>
    change(`postgresql_role.${id}`, "postgresql_role", actions, actions[0] === "create" ? null : role, role);

  it("denies topping up a running break-glass grant with no recorded start", async () => {
    const running = breakGlass("bg-1", { expiresAt: at(10 * 60) });
    const doc = plan(
      recordChange("terraform_data.bg1", ["no-op"], running, running),
      access("bg-1", ["no-op"]),
      recordChange("terraform_data.bg2", ["create"], null, breakGlass("bg-2", { expiresAt: at(4 * hour) })),
      access("bg-2", ["create"]),
    );
    expect(await denials(doc)).toEqual([
      "break-glass/duration-cap: break-glass grant bg-2 joins bg-1 of alice@example.com on orders-db, running with no recorded start, and keeps the window open 3h50m after it ends; it may already have run for the whole cap of 4h: give the running grant its startsAt, or get this one approved",
    ]);
  });

  it("joins a running break-glass grant from its recorded start; a gap after it ends the window", async () => {
    const running = breakGlass("bg-1", { startsAt: at(-3 * hour), expiresAt: at(10 * 60) });
    const next = (expiresAt: string) =>
      plan(
        recordChange("terraform_data.bg1", ["no-op"], running, running),
        access("bg-1", ["no-op"]),
        recordChange("terraform_data.bg2", ["create"], null, breakGlass("bg-2", { expiresAt })),
        access("bg-2", ["create"]),
      );
    expect(await denials(next(at(2 * hour)))).toEqual([
      "break-glass/duration-cap: break-glass grant bg-2 joins bg-1 of alice@example.com on orders-db into one window of 5h; break-glass is capped at 4h: get it approved",
    ]);
    expect(await denials(next(at(50 * 60)))).toEqual([]);
  });

  it("denies renaming an unexpired grant at a lower access level to end later", async () => {
    const doc = plan(
      recordChange("terraform_data.old", ["delete"], record({ id: "alice-write", access: "write" }), null),
      change("postgresql_role.grant", "postgresql_role", ["delete"], role, null),
      recordChange(
        "terraform_data.new",
        ["create"],
        null,
        record({ id: "alice-read-2", expiresAt: at(2 * hour), resources: ["postgresql_role.again"] }),
      ),
      change("postgresql_role.again", "postgresql_role", ["create"], null, role),
    );
    // Bob approved the old content; his signature over the new digest is not there.
    const bobDidNotSignAgain = askedApproversSign({ aliases: {}, except: ["bob@example.com"] });
    expect(await denials(doc, bobDidNotSignAgain)).toContain(
      `extension/fresh-approval: grant alice-read-2 widens expiry ${at(hour)} -> ${at(2 * hour)} over grant alice-write without an approval over its new content: widening is a new grant`,
    );
  });
});

describe("second round: what a record stops listing, and break-glass measured from its first start", () => {
  const role2 = { ...role, name: "tg_alice_2" };

  it("denies a record edited into plain data while its resource stays", async () => {
    const doc = plan(
      change(
        "terraform_data.grant",
        "terraform_data",
        ["update"],
        { input: record() },
        { input: { note: "data" } },
      ),
      change("postgresql_role.grant", "postgresql_role", ["no-op"], role, role),
    );
    expect(await denials(doc)).toEqual([leftBehind("postgresql_role.grant")]);
  });

  it("denies a record deleted while its resource is replaced; settles one the refresh found gone or that moved with it", async () => {
    const deleted = recordChange("terraform_data.grant", ["delete"], record(), null);
    const replaced = change("postgresql_role.grant", "postgresql_role", ["delete", "create"], role, role2);
    expect(await denials(plan(deleted, replaced))).toContain(leftBehind("postgresql_role.grant"));
    const gone = {
      ...plan(deleted),
      resource_drift: [change("postgresql_role.grant", "postgresql_role", ["delete"], role, null)],
    };
    expect(await denials(gone)).toEqual([]);
    const moved = plan(
      recordChange(
        "terraform_data.grant",
        ["update"],
        record(),
        record({ resources: ["postgresql_role.moved"] }),
      ),
      {
        ...change("postgresql_role.moved", "postgresql_role", ["no-op"], role, role),
        previous_address: "postgresql_role.grant",
      },
    );
    expect((await denials(moved)).filter((denial) => denial.startsWith("unmanaged/"))).toEqual([]);
  });

  it("refuses a no-op whose sides differ, a managed resource that is read, a create with nothing to create", () => {
    const refused = (entry: object) => {
      try {
        checkPlanShape(plan(entry), "plan.json");
        return "read";
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(
      refused(
        change("postgresql_role.grant", "postgresql_role", ["no-op"], role, { ...role, superuser: true }),
      ),
    ).toBe("plan.json: resource_changes[0] (postgresql_role.grant) is a no-op whose before and after differ");
    expect(refused(change("postgresql_role.grant", "postgresql_role", ["read"], null, role))).toBe(
      'plan.json: resource_changes[0] (postgresql_role.grant) is a managed resource with actions ["read"]: only a data source is read',
    );
    expect(refused(change("postgresql_role.grant", "postgresql_role", ["create"], null, null))).toBe(
      "plan.json: resource_changes[0] (postgresql_role.grant) is created with no after",
    );
  });

  const breakGlass = (id: string, overrides: object = {}) =>
    record({ id, breakGlass: true, approvedBy: [], resources: [`postgresql_role.${id}`], ...overrides });
  const access = (id: string, actions: string[]) =>
    change(
      `postgresql_role.${id}`,
      "postgresql_role",
      actions,
      actions[0] === "create" ? null : role,
      actions[0] === "delete" ? null : role,
    );
  const window5h =
    "break-glass/duration-cap: break-glass grant bg-2 joins bg-1 of alice@example.com on orders-db into one window of 5h; break-glass is capped at 4h: get it approved";

  it("measures a running break-glass grant from its first start, whatever the plan moves it to", async () => {
    const started = breakGlass("bg-1", { startsAt: at(-3 * hour), expiresAt: at(10 * 60) });
    for (const [actions, after] of [
      [["update"], { ...started, startsAt: at(0) }],
      [["delete", "create"], { ...started, startsAt: at(0) }],
    ] as const) {
      const doc = plan(
        recordChange("terraform_data.bg1", [...actions], started, after),
        access("bg-1", ["no-op"]),
        recordChange("terraform_data.bg2", ["create"], null, breakGlass("bg-2", { expiresAt: at(2 * hour) })),
        access("bg-2", ["create"]),
      );
      // The running grant is changed too, so it is judged as well.
      expect([actions, await denials(doc)]).toEqual([
        actions,
        [window5h.replace("grant bg-2 joins bg-1", "grant bg-1 joins bg-2"), window5h],
      ]);
    }
  });

  it("joins a break-glass grant deleted as it ends with the next, and one target in another case", async () => {
    const ending = breakGlass("bg-1", { startsAt: at(-3 * hour), expiresAt: at(0) });
    const doc = plan(
      recordChange("terraform_data.bg1", ["delete"], ending, null),
      access("bg-1", ["delete"]),
      recordChange(
        "terraform_data.bg2",
        ["create"],
        null,
        breakGlass("bg-2", { expiresAt: at(2 * hour), target: "Orders-DB" }),
      ),
      access("bg-2", ["create"]),
    );
    expect(await denials(doc)).toEqual([
      "break-glass/duration-cap: break-glass grant bg-2 joins bg-1 of alice@example.com on Orders-DB into one window of 5h; break-glass is capped at 4h: get it approved",
    ]);
  });

  it("refuses a target or access level that is not a name", async () => {
    const doc = plan(
      recordChange(
        "terraform_data.grant",
        ["create"],
        null,
        record({ target: "orders-db\u00a0", access: "read " }),
      ),
      change("postgresql_role.grant", "postgresql_role", ["create"], null, role),
    );
    expect(await denials(doc)).toEqual([
      `identity/readable-text: grant alice-read: access "read " is not a name of letters, digits, '.', '_' and '-' (as the stack's bindings name it)`,
      `identity/readable-text: grant alice-read: target "orders-db\u00a0" is not a name of letters, digits, '.', '_' and '-' (as the stack's bindings name it)`,
    ]);
  });
});
