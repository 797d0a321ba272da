import { isIP } from "node:net";
import { parse as parseYaml } from "yaml";
import { isSet, strings } from "../scope-values.js";

/**
 * Who an auth method's role lets log in, read for what lets anyone in: a `bound_*` value that
 * is a glob, an AWS principal ARN of any account or every principal of one, a JWT role bound
 * to nothing, a certificate role constraining no name, an AppRole needing no secret ID from
 * no network in particular. Each is a description for `wide`; none for a role bound to someone.
 */
export function authRoleWide(type: string, values: Record<string, unknown>): string[] {
  const wide: string[] = [];
  for (const [attribute, value] of Object.entries(values)) {
    if (!attribute.startsWith("bound_") || attribute === "bound_claims_type") continue;
    if (attribute === "bound_claims") wide.push(...claimGlobs(values));
    else
      for (const item of listed(value))
        if (/^\s*arn:/i.test(item) ? anyAwsPrincipal(item) : item.includes("*"))
          wide.push(
            /^\s*arn:/i.test(item)
              ? `Vault logins for any AWS principal matching ${attribute} ${JSON.stringify(item)} (a wildcard account, or every principal of one)`
              : `Vault logins for anyone matching ${attribute} ${JSON.stringify(item)} (a glob, not one identity)`,
          );
  }
  if (type === "vault_jwt_auth_backend_role" && !jwtIdentityBound(values))
    wide.push(
      `Vault logins for any token its issuer signs (no bound_subject, nor bound_claims on one of ${IDENTITY_CLAIMS.join(", ")}; bound_audiences and other claims name no one)`,
    );
  if (type === "vault_kubernetes_auth_backend_role") {
    const selector = values.bound_service_account_namespace_selector;
    if (typeof selector === "string" ? selector.trim() !== "" : selector !== undefined && selector !== null)
      if (!selectorNarrows(selector))
        wide.push(
          `Vault logins from any namespace bound_service_account_namespace_selector ${JSON.stringify(selector)} selects (no label it requires)`,
        );
  }
  if (type === "vault_cert_auth_backend_role") wide.push(...certificateWide(values));
  if (type === "vault_approle_auth_backend_role" && isFalse(values.bind_secret_id)) {
    const cidrs = [...listed(values.secret_id_bound_cidrs), ...listed(values.token_bound_cidrs)];
    if (!cidrs.some(cidrNarrows))
      wide.push(
        "Vault logins for whoever knows the AppRole's role ID (bind_secret_id = false, and no secret_id_bound_cidrs or token_bound_cidrs of an IPv4 /8 or IPv6 /32 or narrower)",
      );
  }
  return wide;
}

/**
 * The claims that name one identity in the tokens Vault's JWT/OIDC roles are mostly used with:
 * `sub` (OIDC Core; GitHub Actions' and GitLab's hold the repository or project), `email`,
 * `oid`, `upn`, `preferred_username` (a user or service principal of Microsoft Entra ID),
 * `repository`, `repository_id` (GitHub Actions), `project_path`, `project_id` (GitLab CI).
 * An audience is the relying party, not who logs in; `ref`, `environment`, `repository_owner`,
 * `namespace_path` and the like hold many identities (every repository of an owner, every
 * project of a group, every branch named `main` anywhere), so alone they bind no one.
 */
const IDENTITY_CLAIMS = [
  "sub",
  "email",
  "oid",
  "upn",
  "preferred_username",
  "repository",
  "repository_id",
  "project_path",
  "project_id",
];

/**
 * Whether a JWT or OIDC role is bound to one identity: a `bound_subject`, or a `bound_claims`
 * entry on an identity claim, whose values all name something (visible characters, not only
 * spaces or format characters). A globbed one is read as too wide above.
 */
function jwtIdentityBound(values: Record<string, unknown>): boolean {
  const bound = (value: unknown) => {
    const items = listed(value);
    return items.length > 0 && items.every((item) => item.replace(/[\s\p{Cf}]/gu, "") !== "");
  };
  if (bound(values.bound_subject)) return true;
  const claims = values.bound_claims;
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return false;
  return Object.entries(claims).some(([claim, value]) => IDENTITY_CLAIMS.includes(claim) && bound(value));
}

/**
 * Whether a Kubernetes label selector (JSON or YAML) requires something: a `matchLabels`
 * entry, or a `matchExpressions` entry of operator `In` with values. A selector with any other
 * key, or that cannot be read, selects every namespace as far as tempgrant knows.
 */
function selectorNarrows(selector: unknown): boolean {
  let parsed: unknown = selector;
  if (typeof selector === "string")
    try {
      parsed = parseYaml(selector);
    } catch {
      return false;
    }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return false;
  const fields = parsed as Record<string, unknown>;
  if (Object.keys(fields).some((key) => key !== "matchLabels" && key !== "matchExpressions")) return false;
  const labels = fields.matchLabels;
  const expressions = fields.matchExpressions;
  const labelled =
    typeof labels === "object" &&
    labels !== null &&
    !Array.isArray(labels) &&
    Object.entries(labels).some(([key, value]) => key.trim() !== "" && typeof value === "string");
  const required =
    Array.isArray(expressions) &&
    expressions.some((expression: unknown) => {
      if (typeof expression !== "object" || expression === null) return false;
      const { key, operator, values } = expression as Record<string, unknown>;
      return (
        typeof key === "string" &&
        key.trim() !== "" &&
        operator === "In" &&
        Array.isArray(values) &&
        values.length > 0 &&
        values.every((value) => typeof value === "string")
      );
    });
  return labelled || required;
}

/**
 * Whether a CIDR (or one address) narrows who may log in: an IPv4 prefix of /8 or longer, an
 * IPv6 one of /32 or longer (/104 for IPv4 written inside IPv6, `::ffff:a.b.c.d`). What does not
 * read as `address[/length]` does not narrow.
 */
function cidrNarrows(cidr: string): boolean {
  const match = /^\s*([^/\s]+)(?:\/(\d{1,3}))?\s*$/.exec(cidr);
  if (!match) return false;
  const version = isIP(match[1]!);
  if (version === 0) return false;
  const length = match[2] === undefined ? (version === 4 ? 32 : 128) : Number(match[2]);
  if (version === 4) return length >= 8 && length <= 32;
  const mapped = /^::ffff:/i.test(match[1]!) || match[1]!.includes(".");
  return length >= (mapped ? 104 : 32) && length <= 128;
}

/** The constraints of a certificate role on the certificates its CA signs (the provider's names). */
const CERTIFICATE_CONSTRAINTS = [
  "allowed_names",
  "allowed_common_names",
  "allowed_dns_sans",
  "allowed_email_sans",
  "allowed_uri_sans",
  "allowed_organizational_units",
  "required_extensions",
];

/**
 * The strings of a value: a list's, a map's values (bound_claims), or a comma-separated text's
 * (Vault's API takes either); blank ones left out. A value that is none of these is read as
 * its JSON, so that a glob inside still shows.
 */
function listed(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value.split(",").filter((item) => item.trim() !== "");
  if (Array.isArray(value)) return value.flatMap(listed);
  if (typeof value === "object") return Object.values(value).flatMap(listed);
  return typeof value === "number" || typeof value === "boolean" ? [String(value)] : [JSON.stringify(value)];
}

/** The claims of a JWT role matched as globs (`bound_claims_type = "glob"`) that hold a `*`. */
function claimGlobs(values: Record<string, unknown>): string[] {
  const claims = values.bound_claims;
  const glob =
    typeof values.bound_claims_type === "string" && values.bound_claims_type.trim().toLowerCase() === "glob";
  if (!glob || typeof claims !== "object" || claims === null) return [];
  const entries = Array.isArray(claims)
    ? claims.map((value, at) => [String(at), value] as const)
    : Object.entries(claims);
  return entries.flatMap(([claim, value]) =>
    listed(value)
      .filter((item) => item.includes("*"))
      .map(
        (item) =>
          `Vault logins for anyone matching bound_claims ${JSON.stringify(claim)} ${JSON.stringify(item)} (a glob, not one identity)`,
      ),
  );
}

/**
 * Whether an IAM principal ARN (`arn:aws:iam::<account>:<kind>/<path/name>`) admits any
 * account, or every principal of one: a `*` in the account, or a name that is only a glob.
 * Vault also takes a `*` at the end of a name (`role/ci-*`): that is a prefix of one account's.
 */
function anyAwsPrincipal(arn: string): boolean {
  const parts = arn.trim().split(":");
  if (parts.length < 6) return true;
  const account = parts[4]!;
  const resource = parts.slice(5).join(":");
  const name = resource.slice(resource.indexOf("/") + 1);
  return account.includes("*") || account.trim() === "" || /^[*/]*$/.test(name);
}

/** A certificate role constraining no name: any certificate its CA signs logs in. */
function certificateWide(values: Record<string, unknown>): string[] {
  const wide: string[] = [];
  let constrained = false;
  for (const attribute of CERTIFICATE_CONSTRAINTS)
    for (const item of listed(values[attribute])) {
      // A pattern of nothing but wildcards constrains nothing.
      if (/^[\s*.]*$/.test(item))
        wide.push(
          `Vault logins for any certificate its CA signs (${attribute} ${JSON.stringify(item)} matches every name)`,
        );
      else constrained = true;
    }
  if (!constrained && wide.length === 0)
    wide.push(`Vault logins for any certificate its CA signs (no ${CERTIFICATE_CONSTRAINTS.join(", ")})`);
  return wide;
}

/** Whether a flag is false: `false`, or the text "false" (`bind_secret_id` and `renewable` default to true). */
function isFalse(value: unknown): boolean {
  return value === false || (typeof value === "string" && value.trim().toLowerCase() === "false");
}

/**
 * What lets the tokens of a token role (vault_token_auth_backend_role) outlive the grant, as
 * for a token: orphans, a period, renewal without an explicit max TTL (Vault's role makes its
 * tokens renewable unless `renewable` is false). `token_period` and `token_explicit_max_ttl`,
 * or the provider's older `period` and `explicit_max_ttl`.
 */
export function outlivingTokenRole(
  values: Record<string, unknown>,
  durationSet: (value: unknown) => boolean,
): string[] {
  const wide: string[] = [];
  if (isSet(values.orphan))
    wide.push("orphan Vault tokens (token role orphan = true), which revoking their parent does not revoke");
  for (const attribute of ["token_period", "period"])
    if (durationSet(values[attribute]))
      wide.push(
        `periodic Vault tokens (token role ${attribute} ${JSON.stringify(values[attribute])}), which renew without end`,
      );
  const renewable = !isFalse(values.renewable);
  if (renewable && !durationSet(values.token_explicit_max_ttl) && !durationSet(values.explicit_max_ttl))
    wide.push(
      "renewable Vault tokens without token_explicit_max_ttl, which renew past the grant (renewable = false, or set token_explicit_max_ttl)",
    );
  // allowed_policies_glob: a pattern that root matches lets the role's tokens be root.
  for (const pattern of strings(values.allowed_policies_glob))
    if (globMatches(pattern.trim().toLowerCase(), "root"))
      wide.push(
        `the Vault policy "root" through allowed_policies_glob ${JSON.stringify(pattern)} (every path, every capability)`,
      );
  return wide;
}

/** Whether a `*` glob matches `text` whole. */
function globMatches(glob: string, text: string): boolean {
  const pattern = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(text);
}
