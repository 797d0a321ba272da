import { describe, expect, it } from "vitest";
import {
  aliasChains,
  ASCII_PROTOTYPES,
  caselessSkeleton,
  confusablesTable,
  foldName,
  Identities,
  nameProblems,
  samePerson,
  skeleton,
  textProblems,
  visibleLength,
} from "./identity.js";

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

  it("refuses blank glyphs no property gathers, and any default-ignorable or format character", () => {
    // U+2800 BRAILLE PATTERN BLANK, U+1D159 MUSICAL SYMBOL NULL NOTEHEAD, U+16FE4 KHITAN SMALL
    // SCRIPT FILLER, the Hangul fillers; U+17B4/U+17B5, U+034F, U+180E are default-ignorable or Cf.
    const blanks = [0x2800, 0x1d159, 0x16fe4, 0x115f, 0x1160, 0x3164, 0xffa0, 0x17b4, 0x17b5, 0x034f, 0x180e];
    for (const code of blanks) {
      const character = String.fromCodePoint(code);
      for (const name of [
        `alice@example.com${character}`,
        `${character}alice@example.com`,
        `ali${character}ce`,
      ]) {
        expect(nameProblems("approvedBy[0]", name).map((p) => p.code)).toEqual(["TEXT_INVISIBLE"]);
        expect(samePerson("alice@example.com".slice(0, name.includes("@") ? 17 : 5), name)).toBe(true);
      }
      expect(textProblems("reason", `investigate${character} INC-42`).map((p) => p.code)).toEqual([
        "TEXT_INVISIBLE",
      ]);
    }
  });

  it("refuses spaces other than the ASCII space inside names, not around them nor in a reason", () => {
    for (const code of [0x00a0, 0x1680, 0x2000, 0x2003, 0x200a, 0x202f, 0x205f, 0x3000]) {
      const space = String.fromCodePoint(code);
      expect(nameProblems("principal", `alice${space}smith@example.com`).map((p) => p.code)).toEqual([
        "NAME_SPACE",
      ]);
      // Around a name a blank is trimmed, as an ASCII space is.
      expect(nameProblems("principal", `alice@example.com${space}`)).toEqual([]);
      expect(samePerson("alice@example.com", `${space}alice@example.com${space}`)).toBe(true);
      expect(textProblems("reason", `investigate${space}INC-42 refunds`)).toEqual([]);
    }
    expect(nameProblems("principal", "\u3000").map((p) => p.code)).toEqual(["NAME_BLANK"]);
  });

  it("refuses lone and stacked combining marks and texts with nothing visible", () => {
    expect(textProblems("reason", "\u0300".repeat(26)).map((p) => p.code)).toEqual(["TEXT_MARKS"]);
    expect(textProblems("reason", "fix \u0301 it now please").map((p) => p.code)).toEqual(["TEXT_MARKS"]);
    expect(textProblems("reason", "fix\u0300\u0300 refunds").map((p) => p.code)).toEqual(["TEXT_MARKS"]);
    expect(textProblems("reason", "a\u0300\u0301\u0302\u0303\u0304 refunds").map((p) => p.code)).toEqual([
      "TEXT_MARKS",
    ]);
    expect(textProblems("ticket", "\u3000\u00a0").map((p) => p.code)).toEqual(["TEXT_BLANK"]);
    expect(nameProblems("principal", "\u0300alice@example.com").map((p) => p.code)).toEqual(["TEXT_MARKS"]);
    // Marks on letters are text: Vietnamese, decomposed é, Devanagari.
    for (const text of ["Nguyễn sửa lỗi", "jose\u0301@example.com", "हिन्दी में कारण"]) {
      expect(textProblems("reason", text)).toEqual([]);
      expect(nameProblems("principal", text.replaceAll(" ", ""))).toEqual([]);
    }
    expect(visibleLength("e\u0301t\u00e9 \u2800\u0300")).toBe(3);
    expect(visibleLength("fix it")).toBe(5);
  });

  it("merges look-alikes in any case: capitals of another script read as Latin capitals", () => {
    for (const [a, b] of [
      ["bob@example.com", "ВОВ@example.com"],
      ["tom@example.com", "ТОМ@EXAMPLE.COM"],
      ["alice@example.com", "ΑLΙCΕ@example.com"],
      ["alice@example.com", "ᎪᏞᎥᏟᎬ@example.com"],
      ["kate@example.com", "ΚΑΤΕ@example.com"],
      ["henry@example.com", "ΗΕΝRΥ@example.com"],
      ["ian@example.com", "lan@example.com"],
      ["strasse@example.com", "straße@example.com"],
    ])
      expect([a, b, samePerson(a, b)]).toEqual([a, b, true]);
    for (const [a, b] of [
      ["alice@example.com", "alicia@example.com"],
      ["bob@example.com", "rob@example.com"],
      ["josé@example.com", "jose@example.com"],
      ["иван@example.com", "ivan@example.com"],
      ["zoë", "zoe"],
    ])
      expect([a, b, samePerson(a, b)]).toEqual([a, b, false]);
    expect(caselessSkeleton("ВОВ")).toBe(caselessSkeleton("bob"));
    // One key for a group, whichever order names come in.
    const names = ["bob@example.com", "ВОВ@example.com", "BOB@example.com", "вов@example.com"];
    const forward = new Identities({});
    const backward = new Identities({});
    for (const name of names) forward.add(name);
    for (const name of [...names].reverse()) backward.add(name);
    expect(new Set(names.flatMap((name) => [forward.key(name), backward.key(name)]))).toEqual(
      new Set(["bob@example.com"]),
    );
  });

  it("follows alias chains to the end, makes a cycle one person, and lists chains", () => {
    const chain = { al: "alice", alice: "alice@example.com" };
    expect(foldName("AL", chain)).toBe("alice@example.com");
    expect(samePerson("al", "alice@example.com", chain)).toBe(true);
    const cycle = { x: "a", a: "b", b: "a" };
    expect([foldName("x", cycle), foldName("a", cycle), foldName("b", cycle)]).toEqual(["a", "a", "a"]);
    expect(aliasChains(chain)).toEqual([{ alias: "al", name: "alice", next: "alice@example.com" }]);
    expect(aliasChains({ Ａl: "ALICE", alice: "alice@example.com" }).map((c) => c.alias)).toEqual(["Ａl"]);
    expect(aliasChains({ Alice: "alice", al: "alice@example.com", "a.smith": "alice@example.com" })).toEqual(
      [],
    );
  });
});
