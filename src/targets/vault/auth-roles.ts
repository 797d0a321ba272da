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
  if (
    type === "vault_jwt_auth_backend_role" &&
    !JWT_BOUNDS.some((attribute) => listed(values[attribute]).length > 0)
  )
    wide.push(
      "Vault logins for any token its issuer signs (no bound_subject, bound_claims or bound_audiences)",
    );
  if (type === "vault_cert_auth_backend_role") wide.push(...certificateWide(values));
  if (type === "vault_approle_auth_backend_role" && isFalse(values.bind_secret_id)) {
    const cidrs = [...listed(values.secret_id_bound_cidrs), ...listed(values.token_bound_cidrs)];
    if (!cidrs.some((cidr) => !/\/0\s*$/.test(cidr)))
      wide.push(
        "Vault logins for whoever knows the AppRole's role ID (bind_secret_id = false, and no secret_id_bound_cidrs or token_bound_cidrs narrower than /0)",
      );
  }
  return wide;
}

/** What bounds a JWT or OIDC login to someone: without any, every token of the issuer logs in. */
const JWT_BOUNDS = ["bound_subject", "bound_claims", "bound_audiences"];

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
