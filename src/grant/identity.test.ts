import { describe, expect, it } from "vitest";
import { ASCII_PROTOTYPES, confusablesTable, Identities, samePerson, skeleton } from "./identity.js";

describe("identity", () => {
  it("keeps its ASCII prototypes in step with the confusables data", () => {
    const fromData = Object.fromEntries(
      [...confusablesTable()].filter(([from]) => /^[\x20-\x7e]$/.test(from)),
    );
    expect(ASCII_PROTOTYPES).toEqual(fromData);
  });

  it("gives look-alikes, case and NFKC variants one key, and tells different people apart", () => {
    const identities = new Identities({ "a.smith": "alice@example.com" });
    const names = [
      "alice@example.com",
      "aIice@example.com",
      "\u0430lice@example.com",
      "ＡＬＩＣＥ@example.com",
      "A.Smith",
    ];
    for (const name of [...names, "bob@example.com"]) identities.add(name);
    // One key for all of them (the smallest folded spelling in the group, here "aiice@…").
    expect(new Set(names.map((name) => identities.key(name))).size).toBe(1);
    expect(identities.key("bob@example.com")).toBe("bob@example.com");
    expect(samePerson("bob.martin@example.com", "bob.rnartin@example.com")).toBe(true);
    expect(samePerson("alice@example.com", "alicia@example.com")).toBe(false);
    expect(skeleton("paypal")).toBe(skeleton("p\u0430yp\u0430l"));
  });
});
