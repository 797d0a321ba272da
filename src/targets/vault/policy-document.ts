/**
 * What a Vault ACL policy (HCL, or its JSON form) allows that is too wide for a temporary
 * grant, described for messages. Read minimally and failing closed: `path "…" { … }` blocks
 * and their `capabilities` (or the legacy `policy = "…"`); whatever else the text holds, or a
 * block it cannot read, makes the whole policy one tempgrant cannot read.
 *
 * Too wide: a path globbed at the top (`*`, `secret*`, `+/…`: every mount), anything under
 * `sys/` (Vault's own configuration: policies, mounts, auth methods, leases), writing under
 * `auth/` or `identity/` (users, roles and entities, which map a login to policies; the
 * token's own `auth/token/*-self` endpoints excepted) and the `sudo` capability anywhere.
 * A block that only denies narrows, whatever its path.
 */
export function vaultPolicyWide(document: unknown): string[] {
  if (typeof document !== "string") return ["a Vault policy tempgrant cannot read (not text)"];
  const blocks = document.trimStart().startsWith("{") ? jsonBlocks(document) : hclBlocks(document);
  if (blocks === undefined) return [`a Vault policy tempgrant cannot read (${preview(document)})`];
  return blocks.flatMap(({ path, capabilities }) => tooWide(path, capabilities));
}

interface PathBlock {
  readonly path: string;
  readonly capabilities: readonly string[];
}

/** `capabilities` names that only write; `deny` alone takes access away. */
const WRITES = new Set(["create", "update", "patch", "delete", "write", "sudo"]);

/** The token's own endpoints: a token may always look itself up, renew and revoke itself. */
const SELF_ENDPOINT = /^auth\/token\/(?:lookup|renew|revoke)-self$/;

function tooWide(rawPath: string, rawCapabilities: readonly string[]): string[] {
  const capabilities = rawCapabilities.map((capability) => capability.trim().toLowerCase());
  if (capabilities.every((capability) => capability === "deny")) return [];
  const quoted = JSON.stringify(rawPath);
  const path = rawPath.trim().replace(/^\/+/, "");
  const top = path.split("/")[0]!.toLowerCase();
  const wide: string[] = [];
  if (capabilities.includes("sudo")) wide.push(`the sudo capability (Vault policy path ${quoted})`);
  if (path === "" || /[*+]/.test(top)) wide.push(`every Vault mount (policy path ${quoted})`);
  else if (top === "sys")
    wide.push(`Vault's own configuration (policy path ${quoted}: policies, mounts, auth methods)`);
  else if (
    (top === "auth" || top === "identity") &&
    !SELF_ENDPOINT.test(path) &&
    capabilities.some((capability) => WRITES.has(capability))
  )
    wide.push(`writing Vault's logins (policy path ${quoted}: who gets which policies)`);
  return wide;
}

/** The `path` blocks of an HCL policy; undefined when anything in it is not one. */
function hclBlocks(document: string): PathBlock[] | undefined {
  const text = stripComments(document);
  const blocks: PathBlock[] = [];
  // A block body may hold one level of nested braces (allowed_parameters = { … }).
  const block = /path\s+"((?:[^"\\]|\\.)*)"\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g;
  const rest = text.replace(block, (_match, path: string, body: string) => {
    const capabilities = capabilitiesOf(body);
    // An unreadable body is read as the widest it could be.
    blocks.push({ path: unescape(path), capabilities: capabilities ?? ["sudo"] });
    return "";
  });
  return rest.trim() === "" ? blocks : undefined;
}

/** The capabilities a block's body names: its `capabilities` list and a legacy `policy`; undefined when unreadable. */
function capabilitiesOf(body: string): string[] | undefined {
  const capabilities: string[] = [];
  let found = false;
  for (const list of body.matchAll(/(?:^|[\s;{])"?capabilities"?\s*=\s*\[([^\]]*)\]/g)) {
    found = true;
    const items = list[1]!.split(",").map((item) => item.trim());
    for (const item of items) {
      if (item === "") continue;
      const text = /^"((?:[^"\\]|\\.)*)"$/.exec(item);
      if (!text) return undefined;
      capabilities.push(unescape(text[1]!));
    }
  }
  for (const legacy of body.matchAll(/(?:^|[\s;{])"?policy"?\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    found = true;
    capabilities.push(legacy[1]!.trim().toLowerCase() === "write" ? "update" : unescape(legacy[1]!));
  }
  // A `capabilities` written some other way (a variable, a heredoc) is not read as none.
  if (/capabilities/.test(body) && !found) return undefined;
  return capabilities;
}

/** The `path` object of a policy's JSON form; undefined when it is not that shape. */
function jsonBlocks(document: string): PathBlock[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || Object.keys(parsed).some((key) => key !== "path") || !isObject(parsed.path))
    return undefined;
  const blocks: PathBlock[] = [];
  for (const [path, body] of Object.entries(parsed.path)) {
    const rules = Array.isArray(body) && body.length === 1 ? body[0] : body;
    if (!isObject(rules)) return undefined;
    const capabilities: string[] = [];
    if (rules.capabilities !== undefined) {
      if (!Array.isArray(rules.capabilities) || rules.capabilities.some((item) => typeof item !== "string"))
        return undefined;
      capabilities.push(...(rules.capabilities as string[]));
    }
    if (rules.policy !== undefined) {
      if (typeof rules.policy !== "string") return undefined;
      capabilities.push(rules.policy.trim().toLowerCase() === "write" ? "update" : rules.policy);
    }
    blocks.push({ path, capabilities });
  }
  return blocks;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** HCL comments (`#`, `//`, `/* … *\/`) outside strings, removed. */
function stripComments(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match) =>
    match.startsWith('"') ? match : " ",
  );
}

/** A quoted HCL string's text: `\"` and `\\` as the characters they escape. */
function unescape(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

function preview(text: string): string {
  const oneLine = text.trim().split(/\s+/).join(" ");
  return oneLine.length > 60 ? `${JSON.stringify(oneLine.slice(0, 60))}…` : JSON.stringify(oneLine);
}
