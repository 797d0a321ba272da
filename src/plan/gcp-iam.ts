import { parseTimestamp } from "../grant/time.js";
import { strictJsonProblem } from "./strict-json.js";

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

/** Members that are everyone, or everyone of a domain. */
function wideMember(member: string): boolean {
  const folded = member.trim().toLowerCase();
  return folded === "allusers" || folded === "allauthenticatedusers" || folded.startsWith("domain:");
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
    if (typeof fields.role === "string") roles.push(fields.role);
    const members = [fields.member, ...(Array.isArray(fields.members) ? fields.members : [])];
    for (const member of members)
      if (typeof member === "string" && wideMember(member)) wide.add(`the member ${member}`);
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
  if (typeof document !== "object" || document === null) return unreadable("a policy document");
  const bindings = (document as { bindings?: unknown }).bindings ?? [];
  return Array.isArray(bindings) ? readGcpBindings(bindings) : unreadable("a policy document");
}

function unreadable(what: string): GcpIamReading {
  return { roles: [], wide: [`${what} tempgrant cannot read`], expiry: undefined };
}
