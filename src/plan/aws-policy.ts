import { parseTimestamp } from "../grant/time.js";
import { strictJsonProblem } from "./strict-json.js";

/**
 * What an AWS IAM policy document allows, read as AWS evaluates it rather than field by field:
 * the document grants what any Allow statement grants (Deny statements never widen).
 */
export interface AwsPolicyReading {
  /** The actions of every Allow statement, as written (`s3:GetObject`, `s3:*`, `*`). */
  readonly actions: readonly string[];
  /** What is too wide or cannot be read, described for messages (`NotAction`, `Principal "*"`). */
  readonly wide: readonly string[];
  /**
   * When the document stops allowing anything: the latest `DateLessThan aws:CurrentTime` over
   * the Allow statements (epoch seconds). Undefined when one Allow statement has none in the
   * form tempgrant writes, or the document cannot be read: then it never expires by itself.
   */
  readonly expiry: number | undefined;
}

const UNREADABLE: AwsPolicyReading = {
  actions: [],
  wide: ["a policy document tempgrant cannot read"],
  expiry: undefined,
};

/** Reads a policy document given as the JSON text the AWS provider holds. */
export function readAwsPolicy(text: string): AwsPolicyReading {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return UNREADABLE;
  }
  // A repeated key ("Effect" twice) means one thing to JSON.parse (the last) and maybe another
  // to the cloud's own parser: what cannot be read one way only is read as wide.
  if (strictJsonProblem(text)) return UNREADABLE;
  if (typeof document !== "object" || document === null) return UNREADABLE;
  const statement = (document as { Statement?: unknown }).Statement;
  const statements = Array.isArray(statement) ? statement : [statement];
  const actions: string[] = [];
  const wide = new Set<string>();
  let expiry: number | undefined;
  let everyAllowExpires = true;
  for (const item of statements) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return UNREADABLE;
    const fields = item as Record<string, unknown>;
    // Anything but an exact Deny is read as an Allow: a misspelt effect is not a narrowing.
    if (fields.Effect === "Deny") continue;
    const action = stringList(fields.Action);
    const resource = stringList(fields.Resource);
    if (action === undefined || resource === undefined) return UNREADABLE;
    actions.push(...action);
    if ("NotAction" in fields) wide.add("NotAction (every action but those listed)");
    if ("NotResource" in fields) wide.add("NotResource (every resource but those listed)");
    if ("NotPrincipal" in fields) wide.add("NotPrincipal (every principal but those listed)");
    for (const arn of resource) if (isWildcardResource(arn)) wide.add(`Resource "${arn}"`);
    if (anyPrincipal(fields.Principal)) wide.add('Principal "*" (anyone)');
    const until = statementExpiry(fields.Condition);
    if (until === undefined) everyAllowExpires = false;
    else expiry = expiry === undefined ? until : Math.max(expiry, until);
  }
  return { actions, wide: [...wide], expiry: everyAllowExpires ? expiry : undefined };
}

/** A string or a list of strings; [] when absent; undefined for anything else. */
function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  return undefined;
}

/** `*`, or an ARN whose resource part is `*` (`arn:aws:s3:::*`): every resource of a service. */
function isWildcardResource(arn: string): boolean {
  if (arn.trim() === "*") return true;
  const parts = arn.split(":");
  return parts.length >= 6 && parts.slice(5).join(":").trim() === "*";
}

/** `"*"`, or `{"AWS": "*"}` (or any principal kind given `*`). */
function anyPrincipal(principal: unknown): boolean {
  if (principal === undefined) return false;
  if (typeof principal === "string") return principal.trim() === "*";
  if (typeof principal !== "object" || principal === null) return true;
  return Object.values(principal as Record<string, unknown>).some((value) =>
    (Array.isArray(value) ? value : [value]).some((item) => typeof item !== "string" || item.trim() === "*"),
  );
}

/**
 * The statement's `DateLessThan {"aws:CurrentTime": "<instant>"}`, the form the AWS binding
 * writes: one instant as a string. A list of instants would allow until the latest and other
 * operators or keys are not what tempgrant writes: no expiry.
 */
function statementExpiry(condition: unknown): number | undefined {
  if (typeof condition !== "object" || condition === null) return undefined;
  const operator = (condition as { DateLessThan?: unknown }).DateLessThan;
  if (typeof operator !== "object" || operator === null) return undefined;
  const value = (operator as Record<string, unknown>)["aws:CurrentTime"];
  if (typeof value !== "string") return undefined;
  const parsed = parseTimestamp(value);
  return parsed.ok ? parsed.instant.seconds : undefined;
}
