import { parseTimestamp } from "../../grant/time.js";
import { strictJsonProblem } from "../../grant/strict-json.js";
import { codePoint, invisibleCharacter } from "../../grant/identity.js";

/** What GCP IAM resources grant: roles, the members that are everyone, conditions. */
export interface GcpIamReading {
  readonly roles: readonly string[];
  /** What is too wide or cannot be read, described for messages. */
  readonly wide: readonly string[];
  /**
   * When the access ends by itself (epoch seconds): the latest condition expiry over the
   * bindings; undefined when a binding has no condition in the form tempgrant writes.
   */
  readonly expiry: number | undefined;
}

const TIMESTAMP = String.raw`timestamp\("([0-9TZ:.+-]+)"\)`;
/**
 * The only condition expressions tempgrant reads, exactly as the GCP binding writes them:
 * `request.time < timestamp("E")`, optionally after `request.time >= timestamp("S") && `.
 * CEL is a language: anything else (`||`, other functions, other attributes) is refused
 * rather than guessed at.
 */
const EMITTED_CONDITION = new RegExp(
  String.raw`^(?:request\.time >= ${TIMESTAMP} && )?request\.time < ${TIMESTAMP}$`,
);

/**
 * A federated group, `principalSet://iam.googleapis.com/…/(workforcePools|workloadIdentityPools)/POOL/group/GROUP`:
 * a named group, as `group:` is. Every other `principalSet://` is a class of identities.
 */
const POOL_GROUP =
  /^principalset:\/\/iam\.googleapis\.com\/(?:projects\/[^/]+\/)?locations\/[^/]+\/(?:workforcepools|workloadidentitypools)\/[^/]+\/group\/[^/*]+$/;

/**
 * Members that are a class of identities rather than someone named: everyone, everyone of a
 * domain, every owner/editor/viewer of a project, and every `principalSet://` (a whole pool
 * `/*`, everyone with an attribute `/attribute.A/V`, a GKE namespace, `goog/public:all`) but a
 * pool's named group. A named `group:` is not: its members are someone's to manage, as the
 * grant's principal is. `*` anywhere is never a name.
 */
function wideMember(member: string): boolean {
  const folded = member.trim().toLowerCase();
  return (
    folded === "allusers" ||
    folded === "allauthenticatedusers" ||
    /^(?:domain|projectowner|projecteditor|projectviewer):/.test(folded) ||
    (folded.startsWith("principalset:") && !POOL_GROUP.test(folded)) ||
    folded.includes("*")
  );
}

/**
 * Why a member cannot be read as one identity: it holds a character that cannot be seen (a
 * zero-width or bidi control, a BOM, a control character; identity.ts decides) or a blank,
 * around it or inside. What GCP makes of `allUsers\u200b` is not what a reviewer reads.
 */
function unreadableMember(member: string): string | undefined {
  const hidden = invisibleCharacter(member) ?? /\p{White_Space}/u.exec(member)?.[0];
  return hidden === undefined
    ? undefined
    : `the member ${JSON.stringify(member)}, which holds ${codePoint(hidden)} (a blank, or a character that cannot be seen): not readable as one identity`;
}

/**
 * Roles that let their holder act as others or grant access to others: mint tokens or keys
 * for a service account, run as one, set IAM policies. The access they give is not the role's
 * own, and a token or key minted under them can outlive the grant; read as too wide wherever
 * they are granted (compared after trimming, without case).
 */
const IMPERSONATING_ROLES: ReadonlySet<string> = new Set(
  [
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.serviceAccountUser",
    "roles/iam.workloadIdentityUser",
    "roles/iam.serviceAccountKeyAdmin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.securityAdmin",
    "roles/resourcemanager.projectIamAdmin",
    "roles/resourcemanager.folderIamAdmin",
    "roles/resourcemanager.organizationAdmin",
  ].map((role) => role.toLowerCase()),
);

/** The `wide` entry of a role that lets its holder act as, or grant access to, others; undefined for others. */
export function impersonatingRole(role: string): string | undefined {
  return IMPERSONATING_ROLES.has(role.trim().toLowerCase())
    ? `the role ${role}, which lets its holder act as, or grant access to, others`
    : undefined;
}

/**
 * The keys a policy document may hold, level by level, as the google provider's Go structs
 * name them. Go's `json.Unmarshal` matches keys without case (and with Unicode folding: "ſ" is
 * "s") and keeps the last: `"Bindings"` beside `"bindings"`, or `"Condition": null` beside
 * `"condition"`, is what GCP gets and `JSON.parse` does not. Only these exact keys are read.
 */
const POLICY_KEYS: ReadonlySet<string> = new Set(["bindings", "etag", "version", "auditConfigs"]);
const BINDING_KEYS: ReadonlySet<string> = new Set(["role", "members", "condition"]);
const CONDITION_KEYS: ReadonlySet<string> = new Set(["expression", "title", "description"]);

/**
 * Whether an object of a policy document has only keys of `known`, exactly, and no two keys
 * equal without case (already refused by the first; kept so that widening `known` keeps it).
 */
function knownKeys(value: unknown, known: ReadonlySet<string>): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const folded = new Set<string>();
  for (const key of Object.keys(value)) {
    const fold = key.toLowerCase();
    if (!known.has(key) || folded.has(fold)) return false;
    folded.add(fold);
  }
  return true;
}

/** Whether a parsed policy document has the keys GCP reads, and only those, at every level tempgrant reads. */
function readablePolicy(document: unknown): boolean {
  if (!knownKeys(document, POLICY_KEYS)) return false;
  const bindings = (document as { bindings?: unknown }).bindings;
  if (bindings === undefined || bindings === null) return true;
  if (!Array.isArray(bindings)) return false;
  return bindings.every((binding) => {
    if (!knownKeys(binding, BINDING_KEYS)) return false;
    const condition = (binding as { condition?: unknown }).condition;
    return condition === undefined || condition === null || knownKeys(condition, CONDITION_KEYS);
  });
}

/**
 * The expiry of an IAM condition (a block: object or one-element list) in the emitted form;
 * `null` when there is no condition; `"unreadable"` for any other expression.
 */
export function gcpConditionExpiry(condition: unknown): number | null | "unreadable" {
  const block = Array.isArray(condition) ? (condition.length === 0 ? undefined : condition[0]) : condition;
  if (block === undefined || block === null) return null;
  if (Array.isArray(condition) && condition.length > 1) return "unreadable";
  const expression = (block as { expression?: unknown }).expression;
  if (typeof expression !== "string") return "unreadable";
  const match = EMITTED_CONDITION.exec(expression.trim());
  if (!match?.[2]) return "unreadable";
  const start = match[1] === undefined ? undefined : parseTimestamp(match[1]);
  const end = parseTimestamp(match[2]);
  return end.ok && (start === undefined || start.ok) ? end.instant.seconds : "unreadable";
}

/** Reads bindings (`google_*_iam_member`/`_binding` values, or a policy document's `bindings`). */
export function readGcpBindings(bindings: readonly unknown[]): GcpIamReading {
  const roles: string[] = [];
  const wide = new Set<string>();
  let expiry: number | undefined;
  let everyBindingExpires = bindings.length > 0;
  for (const binding of bindings) {
    if (typeof binding !== "object" || binding === null) return unreadable("a binding");
    const fields = binding as Record<string, unknown>;
    if (typeof fields.role === "string") {
      roles.push(fields.role);
      const acting = impersonatingRole(fields.role);
      if (acting) wide.add(acting);
    }
    // GCP takes text only: a role or member of another JSON type cannot be judged, so is wide.
    else if (fields.role != null) wide.add("a role tempgrant cannot read");
    const members = [fields.member, ...(Array.isArray(fields.members) ? fields.members : [fields.members])];
    for (const member of members) {
      if (typeof member === "string" ? wideMember(member) : member != null)
        wide.add(typeof member === "string" ? `the member ${member}` : "a member tempgrant cannot read");
      const hidden = typeof member === "string" ? unreadableMember(member) : undefined;
      if (hidden) wide.add(hidden);
    }
    const until = gcpConditionExpiry(fields.condition);
    if (until === "unreadable")
      wide.add("an IAM condition tempgrant cannot read (only the request.time form it writes)");
    if (typeof until === "number") expiry = expiry === undefined ? until : Math.max(expiry, until);
    else everyBindingExpires = false;
  }
  return { roles, wide: [...wide], expiry: everyBindingExpires ? expiry : undefined };
}

/** Reads a policy document (`policy_data`) given as JSON text: binding by binding. */
export function readGcpPolicyData(text: string): GcpIamReading {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return unreadable("a policy document");
  }
  // A repeated key ("Effect" twice) means one thing to JSON.parse (the last) and maybe another
  // to the cloud's own parser: what cannot be read one way only is read as wide.
  if (strictJsonProblem(text)) return unreadable("a policy document");
  // A key GCP reads that JSON.parse does not ("Bindings", "Role", "Condition"), or any other.
  if (!readablePolicy(document)) return unreadable("a policy document");
  const bindings = (document as { bindings?: unknown }).bindings ?? [];
  return Array.isArray(bindings) ? readGcpBindings(bindings) : unreadable("a policy document");
}

function unreadable(what: string): GcpIamReading {
  return { roles: [], wide: [`${what} tempgrant cannot read`], expiry: undefined };
}
