import { parseTimestamp } from "../../grant/time.js";
import { strictJsonProblem } from "../../grant/strict-json.js";

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
  /**
   * Whom the Allow statements name, as `kind:value` (`AWS:arn:aws:iam::1:root`,
   * `Service:logs.amazonaws.com`): what a resource policy gives access to.
   */
  readonly principals: readonly string[];
}

/** How a document is read where its type gives `Resource` another meaning. */
export interface AwsPolicyOptions {
  /** A KMS key policy: `Resource "*"` there means "this key", never every resource. */
  readonly resourceIsSelf?: boolean;
}

const UNREADABLE: AwsPolicyReading = {
  actions: [],
  wide: ["a policy document tempgrant cannot read"],
  expiry: undefined,
  principals: [],
};

/** Reads a policy document given as the JSON text the AWS provider holds. */
export function readAwsPolicy(text: string, options: AwsPolicyOptions = {}): AwsPolicyReading {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return UNREADABLE;
  }
  // A repeated key ("Effect" twice) means one thing to JSON.parse (the last) and maybe another
  // to the cloud's own parser: what cannot be read one way only is read as wide.
  if (strictJsonProblem(text)) return UNREADABLE;
  if (typeof document !== "object" || document === null || Array.isArray(document)) return UNREADABLE;
  // A key AWS does not know (`statement`, `action`) is not read by tempgrant, and maybe read
  // otherwise by AWS: the document cannot be read, never read as granting less.
  if (Object.keys(document).some((key) => !DOCUMENT_KEYS.has(key))) return UNREADABLE;
  const statement = (document as { Statement?: unknown }).Statement;
  const statements = Array.isArray(statement) ? statement : [statement];
  const actions: string[] = [];
  const principals: string[] = [];
  const wide = new Set<string>();
  let expiry: number | undefined;
  let everyAllowExpires = true;
  for (const item of statements) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return UNREADABLE;
    const fields = item as Record<string, unknown>;
    if (Object.keys(fields).some((key) => !STATEMENT_KEYS.has(key))) return UNREADABLE;
    // Anything but an exact Deny is read as an Allow: a misspelt effect is not a narrowing.
    if (fields.Effect === "Deny") continue;
    const action = stringList(fields.Action);
    const resource = stringList(fields.Resource);
    if (action === undefined || resource === undefined) return UNREADABLE;
    actions.push(...action);
    if ("NotAction" in fields) wide.add("NotAction (every action but those listed)");
    if ("NotResource" in fields) wide.add("NotResource (every resource but those listed)");
    if ("NotPrincipal" in fields) wide.add("NotPrincipal (every principal but those listed)");
    if (!options.resourceIsSelf)
      for (const arn of resource) if (isWildcardResource(arn)) wide.add(`Resource "${arn}"`);
    const named = principalsOf(fields.Principal);
    if (named === undefined) wide.add('Principal "*" (anyone)');
    else
      for (const principal of named) {
        const kind = principal.slice(0, principal.indexOf(":"));
        const value = principal.slice(principal.indexOf(":") + 1).trim();
        // Anyone, but only in the accounts a condition names (SNS's default topic policy):
        // read as those accounts.
        const accounts = value === "*" && kind === "AWS" ? accountCondition(fields.Condition) : undefined;
        if (accounts !== undefined) {
          principals.push(...accounts.map((account) => `AWS:${account}`));
          continue;
        }
        principals.push(principal);
        if (value === "*") wide.add('Principal "*" (anyone)');
        // AWS refuses a partial wildcard in a principal; read as wide all the same.
        else if (WILDCARD.test(value)) wide.add(`Principal "${value}"`);
        else if (kind === "Federated") {
          const unbound = unboundWebIdentity(value, fields.Condition);
          if (unbound !== undefined) wide.add(unbound);
        }
      }
    const until = statementExpiry(fields.Condition);
    if (until === undefined) everyAllowExpires = false;
    else expiry = expiry === undefined ? until : Math.max(expiry, until);
  }
  return { actions, wide: [...wide], expiry: everyAllowExpires ? expiry : undefined, principals };
}

/** The keys of a policy document, and of a statement: any other is not read (see readAwsPolicy). */
const DOCUMENT_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Principal",
  "NotPrincipal",
  "Condition",
]);

/** A string or a list of strings; [] when absent; undefined for anything else. */
function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  return undefined;
}

/** IAM's wildcards: `*` matches any run of characters, `?` any one. */
const WILDCARD = /[*?]/;

/**
 * Whether a resource matches more than the named resource a grant is for. Failing closed,
 * and still letting `arn:aws:s3:::bucket/prefix/*` through: `?` anywhere; anything with a
 * wildcard that is not a full ARN (`*`, `**`, `arn:*`); a wildcard in the partition, service,
 * region or account; in the resource part (split at `/` and `:`), a wildcard anywhere but the
 * last segment, or in the last one when what comes before does not name a resource: an S3
 * bucket (`arn:aws:s3:::b*` is every bucket b...), elsewhere a type and a name
 * (`role/*` is every role of the account, `role/path/*` the roles under one path).
 */
export function isWildcardResource(arn: string): boolean {
  const text = arn.trim();
  if (!WILDCARD.test(text)) return false;
  if (text.includes("?")) return true;
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return true;
  if (parts.slice(1, 5).some((part) => part.includes("*"))) return true;
  const segments = parts.slice(5).join(":").split(/[/:]/);
  const last = segments.length - 1;
  // Every role AWS makes for IAM Identity Center (and other services) lives under this path:
  // a wildcard there is every SSO role of the account, not the roles of one team's path.
  if (parts[2] === "iam" && /^role\/aws-reserved\//i.test(parts.slice(5).join(":"))) return true;
  if (segments.slice(0, last).some((segment) => segment.trim() === "" || segment.includes("*"))) return true;
  return last < (parts[2] === "s3" ? 1 : 2);
}

/**
 * A statement's principals as `kind:value` (`"*"` alone is `AWS:*`); [] when it names none;
 * undefined when it cannot be read (not a string or an object of strings): read as anyone.
 */
function principalsOf(principal: unknown): string[] | undefined {
  if (principal === undefined) return [];
  if (typeof principal === "string") return [`AWS:${principal}`];
  if (typeof principal !== "object" || principal === null || Array.isArray(principal)) return undefined;
  const named: string[] = [];
  for (const [kind, value] of Object.entries(principal as Record<string, unknown>))
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== "string") return undefined;
      named.push(`${kind}:${item}`);
    }
  return named;
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

/** Condition keys that limit `Principal "*"` to the principals of the accounts they name. */
const ACCOUNT_KEYS = new Set(["aws:sourceowner", "aws:sourceaccount", "aws:principalaccount"]);

/**
 * The accounts a `StringEquals` on an account key limits a statement to (SNS writes
 * `Principal {"AWS": "*"}` with `StringEquals {"AWS:SourceOwner": "<account>"}` as a
 * topic's default policy); undefined when the condition names no account in that form.
 */
function accountCondition(condition: unknown): string[] | undefined {
  if (typeof condition !== "object" || condition === null) return undefined;
  const operator = (condition as { StringEquals?: unknown }).StringEquals;
  if (typeof operator !== "object" || operator === null) return undefined;
  for (const [key, value] of Object.entries(operator as Record<string, unknown>)) {
    if (!ACCOUNT_KEYS.has(key.toLowerCase())) continue;
    const accounts = stringList(value);
    if (
      accounts !== undefined &&
      accounts.length > 0 &&
      accounts.every((account) => /^\d{12}$/.test(account))
    )
      return accounts;
  }
  return undefined;
}

/**
 * Condition operators that hold only when the key is present and matches: not the negated
 * ones, not `...IfExists` (an absent key passes), not `ForAllValues:` (an empty set passes).
 */
const BINDING_OPERATORS = /^(ForAnyValue:)?String(Equals|EqualsIgnoreCase|Like)$/;

/**
 * CI providers whose subject names a repository, and the claim before it:
 * `repo:<owner>/<repo>:…` (GitHub Actions, also `token.actions.githubusercontent.com/<enterprise>`),
 * `project_path:<group>/<project>:…` (gitlab.com).
 */
const REPOSITORY_SUBJECTS: Readonly<Record<string, string>> = {
  "token.actions.githubusercontent.com": "repo",
  "gitlab.com": "project_path",
};

/**
 * Terraform Cloud's subject, `organization:<org>:project:<project>:workspace:<ws>:run_phase:<phase>`:
 * a pattern naming one workspace of one organization, with wildcards only after it. Names
 * there hold no colon and organization names are unique: such a pattern is that workspace's.
 */
const ONE_TERRAFORM_WORKSPACE = /^organization:[^:*?]+:project:[^:*?]+:workspace:[^:*?]+:/;

/**
 * Whether a `...Like` pattern on a web identity's `:sub` matches other subjects
 * than one, and which: undefined when it binds one. A wildcard is another subject for any
 * provider (an EKS cluster's `system:serviceaccount:*:*`, Buildkite's `organization:*`,
 * Google's `*1*`), but where the subject is known to name one repository or workspace first:
 * after the repository's colon for GitHub and GitLab (`repo:org/repo:*` covers that
 * repository's refs; `repo:org/*`, `repo:org*`, or a pattern not of the form
 * `<claim>:<owner>/<repo>:…` is other repositories), after the workspace's colon for
 * Terraform Cloud.
 */
function looseSubject(provider: string, key: string, operator: string, value: string): string | undefined {
  if (!operator.endsWith("Like") || !WILDCARD.test(value)) return undefined;
  const host = provider.split("/")[0]!;
  const claim = REPOSITORY_SUBJECTS[host];
  if (claim !== undefined) {
    const repository = new RegExp(`^${claim}:([^:]*):`).exec(value.trim());
    return repository === null || WILDCARD.test(repository[1]!) ? "other repositories match it" : undefined;
  }
  if (provider === "app.terraform.io" && ONE_TERRAFORM_WORKSPACE.test(value.trim())) return undefined;
  return "other subjects match it";
}

/** Cognito's authentication method claim: `unauthenticated` is anyone who asks the pool. */
const COGNITO = "cognito-identity.amazonaws.com";

/** An IAM `...Like` pattern as a regular expression (`*` any run, `?` any one character). */
function likePattern(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "is");
}

/**
 * The `cognito-identity.amazonaws.com:amr` value of a condition that admits identities the
 * pool gives to anyone unauthenticated, or undefined. Negated operators exclude; any other
 * (`ForAnyValue:StringLike`, `StringEquals`, `...IfExists`) admitting it lets them in.
 */
function unauthenticatedCognito(condition: unknown): string | undefined {
  if (typeof condition !== "object" || condition === null) return undefined;
  for (const [operator, tests] of Object.entries(condition as Record<string, unknown>)) {
    if (/Not/.test(operator) || typeof tests !== "object" || tests === null) continue;
    for (const [key, value] of Object.entries(tests as Record<string, unknown>)) {
      if (key.toLowerCase() !== `${COGNITO}:amr`) continue;
      // Values tempgrant cannot read (not strings) are read as admitting anyone.
      const admitting = (stringList(value) ?? ["*"]).find((item) =>
        operator.includes("Like") || item === "*"
          ? likePattern(item.trim()).test("unauthenticated")
          : item.trim().toLowerCase() === "unauthenticated",
      );
      if (admitting !== undefined) return admitting;
    }
  }
  return undefined;
}

/**
 * Why a `Federated` web identity principal lets in anyone the provider signs in, or
 * undefined: a SAML provider (its own IdP's assertions), or a condition that binds the token
 * to one subject: `<provider>:sub`, of one repository, workspace or identity (see
 * looseSubject). An audience binds no one. A Cognito pool's unauthenticated identities are
 * anyone, bound or not.
 */
function unboundWebIdentity(federated: string, condition: unknown): string | undefined {
  if (/^arn:[^:]*:iam::[^:]*:saml-provider\//i.test(federated)) return undefined;
  const oidc = /^arn:[^:]*:iam::[^:]*:oidc-provider\/(.+)$/i.exec(federated);
  const provider = (oidc ? oidc[1]! : federated).toLowerCase();
  if (provider === COGNITO) {
    const unauthenticated = unauthenticatedCognito(condition);
    if (unauthenticated !== undefined)
      return `Principal Federated "${federated}" with ${COGNITO}:amr "${unauthenticated}" (the pool's unauthenticated identities: anyone)`;
  }
  // Only a subject names someone: an audience is an app or pool whose users are anyone who signs
  // in to it (any Google, Facebook or Amazon account, a pool's sign-ups), and an OIDC
  // provider's audience is the same for everyone using it (GitHub's is sts.amazonaws.com).
  const keys = [`${provider}:sub`];
  let loose: string | undefined;
  if (typeof condition === "object" && condition !== null)
    for (const [operator, tests] of Object.entries(condition as Record<string, unknown>)) {
      if (!BINDING_OPERATORS.test(operator) || typeof tests !== "object" || tests === null) continue;
      for (const [key, value] of Object.entries(tests as Record<string, unknown>)) {
        const values = stringList(value) ?? [];
        // Any of the values matches: one of wildcards alone matches every token, and so does one
        // holding a policy variable (`${token.actions.githubusercontent.com:sub}` is the token's
        // own subject: a tautology).
        if (
          !keys.includes(key.toLowerCase()) ||
          values.length === 0 ||
          values.some((item) => /^[*?]*$/.test(item.trim()) || item.includes("${"))
        )
          continue;
        const reasons = values.map((item) => looseSubject(provider, key.toLowerCase(), operator, item));
        const other = reasons.findIndex((reason) => reason !== undefined);
        if (other < 0) return undefined;
        loose ??= `Principal Federated "${federated}" with ${key} like "${values[other]}" (${reasons[other]})`;
      }
    }
  return (
    loose ??
    `Principal Federated "${federated}" without a condition on ${keys.join(" or ")} (anyone it signs in)`
  );
}
