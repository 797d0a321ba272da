import { relationEntry, relationIndex, type RelationHooks } from "../relation-hooks.js";
import { EMPTY_SCOPE, isSet, withWide } from "../scope-values.js";
import { NO_READERS, type GrantedScope, type PlanReaders, type ScopeContext } from "../target-module.js";
import { authRoleWide, outlivingTokenRole } from "./auth-roles.js";
import { vaultPolicyWide } from "./policy-document.js";

/** The types held too wide whatever they say, and why. */
const UNREAD: Record<string, string> = {
  vault_kubernetes_auth_backend_config:
    "where a Vault auth method checks its logins (its Kubernetes API and token reviewer), which tempgrant does not read",
  vault_aws_auth_backend_client:
    "where a Vault auth method checks its logins (its AWS credentials and endpoints), which tempgrant does not read",
  vault_aws_auth_backend_sts_role:
    "where a Vault auth method checks its logins (an AWS account's role it assumes), which tempgrant does not read",
  vault_approle_auth_backend_login: "a Vault AppRole login, which holds a token tempgrant does not read",
  vault_plugin: "a Vault plugin registered, code Vault runs that tempgrant does not read",
  vault_pki_secret_backend_cert: "a certificate issued by Vault's PKI, which outlives the grant",
};

/**
 * HashiCorp Vault's resources in a plan. tempgrant has no Vault binding: these readers only
 * read back what a custom binding (or anyone) writes. A policy grants what its `path` blocks
 * allow (policy-document.ts); tokens, identities and auth roles grant the policies they name
 * (`policies`, `token_policies`), and `root` is every path with every capability, whatever
 * the configuration says. An alias grants what its entity or group holds, which tempgrant
 * does not read; a generic endpoint writing Vault's own configuration is read as the policy
 * or login it writes. An auth role is also read for who it lets log in (auth-roles.ts), a
 * token role for how long its tokens live, and a token made from a role is held to a role the
 * same plan creates for the same grant.
 */
export const vaultReaders: PlanReaders = {
  ...NO_READERS,
  reads: (type) => type.startsWith("vault_"),
  privilegedTypes: [
    // Policies, tokens, and what maps an identity to policies (auth roles, users and groups,
    // identity entities, groups and their aliases); secret backend roles are not here: they
    // say what may be minted, a policy says who may mint it
    "vault_policy",
    "vault_token",
    "vault_approle_auth_backend_role_secret_id",
    "vault_*_auth_backend_role",
    "vault_*_auth_backend_user",
    "vault_*_auth_backend_group",
    "vault_identity_group*",
    "vault_identity_entity",
    "vault_identity_entity_alias",
    "vault_identity_entity_policies",
    // Enabling an auth method (vault_auth_backend, or a typed one: vault_jwt_auth_backend,
    // vault_ldap_auth_backend, ...): a way in, whose logins are configured apart
    "vault_*auth_backend",
    // GitHub teams and users mapped to policies (read for `policies`, as any other)
    "vault_github_team",
    "vault_github_user",
    // What tempgrant holds too wide whatever it says (UNREAD): where an auth method checks
    // logins, a login (it holds a token), a plugin (code Vault runs), an issued certificate
    ...Object.keys(UNREAD),
  ],
  privilegedByContent(type, values, unknown) {
    if (!GENERIC_TYPES.has(type)) return false;
    return unknown.includes("path") || configurationPath(values.path) !== null;
  },
  scope(type, values, context): GrantedScope | undefined {
    if (type === "vault_policy") return withWide(EMPTY_SCOPE, vaultPolicyWide(values.policy));
    if (ALIAS_TYPES.has(type)) return aliasScope(type, values);
    if (type === "vault_identity_group_member_entity_ids" || type === "vault_identity_group_member_group_ids")
      return withWide(EMPTY_SCOPE, [
        `the policies of the Vault group ${JSON.stringify(values.group_id ?? null)}, which tempgrant does not read (a member gets them)`,
      ]);
    if (GENERIC_TYPES.has(type)) return genericScope(values);
    if (Object.hasOwn(UNREAD, type)) return withWide(policyScope(values), [UNREAD[type]!]);
    if (AUTH_BACKEND.test(type)) return withWide(policyScope(values), [authMethodWide(type, values)]);
    if (type === TOKEN_ROLE) {
      const scope = policyScope(values, TOKEN_ROLE_POLICIES);
      return withWide(scope, [...(scope.wide ?? []), ...outlivingTokenRole(values, durationSet)]);
    }
    if (AUTH_ROLE.test(type)) {
      const scope = policyScope(values);
      return withWide(scope, [...(scope.wide ?? []), ...authRoleWide(type, values)]);
    }
    if (type === "vault_token") {
      const scope = policyScope(values);
      // A token created without policies takes those of its parent: the provider's own token.
      const parent =
        scope.roles.length > 0
          ? []
          : ["the policies of the token tempgrant's apply runs with (no policies set)"];
      return withWide(scope, [
        ...(scope.wide ?? []),
        ...parent,
        ...outlivingToken(values),
        ...unheldTokenRole(values, context),
      ]);
    }
    // Every other Vault type grants the policies it names, if any: its other attributes
    // (`role_name`, `role`) name things of Vault's own, not the access they give.
    return policyScope(values);
  },
  scopeAttributes(type) {
    if (type === "vault_policy") return ["policy"];
    if (GENERIC_TYPES.has(type)) return ["path", "data_json"];
    if (type === TOKEN_ROLE) return TOKEN_ROLE_POLICIES;
    return type.startsWith("vault_") ? POLICY_ATTRIBUTES : [];
  },
  relations: {
    // A token role is referred to by name from the tokens made with it.
    referable: (type) => type === TOKEN_ROLE,
    writtenOnly: true,
    entries: (_type, _address, values) =>
      typeof values?.role_name === "string"
        ? [relationEntry(TOKEN_ROLES, tokenRoleKey(values.namespace, values.role_name), undefined)]
        : [],
    references: {},
  } satisfies RelationHooks,
};

/** The token auth method's roles: what a token made with `role_name` gets (orphan, period, renewal, policies). */
const TOKEN_ROLE = "vault_token_auth_backend_role";

/** The attributes naming the policies a token role's tokens may get. */
const TOKEN_ROLE_POLICIES = ["allowed_policies", "token_policies"];

/** The token roles a plan writes, by namespace and name. */
const TOKEN_ROLES = relationIndex("vault token roles by name");

/** A token role's key: its namespace (none: the provider's) and name. */
function tokenRoleKey(namespace: unknown, name: string): string {
  return `${typeof namespace === "string" ? namespace.trim().replace(/^\/+|\/+$/g, "") : ""}\n${name}`;
}

/**
 * A token made with a role gets the role's orphan, period and renewal, whatever it asks: read
 * only when the same plan writes that role for the same grant (the role is then judged itself).
 */
function unheldTokenRole(values: Record<string, unknown>, context: ScopeContext | undefined): string[] {
  const role = values.role_name;
  if (role === undefined || role === null || role === "") return [];
  if (
    typeof role === "string" &&
    context?.relations.heldFor(TOKEN_ROLES, tokenRoleKey(values.namespace, role), context.owner)
  )
    return [];
  return [
    `a Vault token of the role ${JSON.stringify(role)} (a token role this plan does not create for the grant: its orphan, period and renewal are unread)`,
  ];
}

/** Auth methods' roles (vault_jwt_auth_backend_role, vault_aws_auth_backend_role, ...): who logs in with what. */
const AUTH_ROLE = /^vault_[a-z0-9_]+_auth_backend_role$/;

/** The types that enable an auth method: vault_auth_backend and the typed ones (vault_jwt_auth_backend, ...). */
const AUTH_BACKEND = /^vault_(?:[a-z0-9]+_)?auth_backend$/;

/** An auth method enabled: its type is `type`, or in the resource type's name. */
function authMethodWide(type: string, values: Record<string, unknown>): string {
  const method =
    typeof values.type === "string" ? values.type : type.slice("vault_".length, -"_auth_backend".length);
  return `enabling a Vault auth method (${JSON.stringify(method || "unknown")}), a way to log in that tempgrant does not read`;
}

/** Whether a duration attribute is set: a number or text other than zero. */
function durationSet(value: unknown): boolean {
  if (typeof value === "number") return value > 0;
  return typeof value === "string" && !/^\s*0*(?:[smhd])?\s*$/i.test(value);
}

/**
 * What lets a token outlive the grant: no parent (revoking the token it was made with leaves
 * it), a period (renewed, it never expires), or renewal without an explicit_max_ttl (renewed
 * up to the mount's max TTL, 32 days by default). Vault makes a token renewable unless
 * `renewable` is false.
 */
function outlivingToken(values: Record<string, unknown>): string[] {
  const wide: string[] = [];
  if (isSet(values.no_parent))
    wide.push("an orphan Vault token (no_parent), which revoking its parent does not revoke");
  if (durationSet(values.period))
    wide.push(`a periodic Vault token (period ${JSON.stringify(values.period)}), which renews without end`);
  const renewable = !(
    values.renewable === false ||
    (typeof values.renewable === "string" && values.renewable.trim().toLowerCase() === "false")
  );
  if (renewable && !durationSet(values.explicit_max_ttl))
    wide.push(
      "a renewable Vault token without explicit_max_ttl, which renews past the grant (renewable = false, or set explicit_max_ttl)",
    );
  return wide;
}

/** The attributes naming the policies a token, identity or auth role gets. */
const POLICY_ATTRIBUTES = ["policies", "token_policies"];

/** What writes any Vault path: privileged when the path is Vault's own configuration. */
const GENERIC_TYPES = new Set(["vault_generic_endpoint", "vault_generic_secret"]);

/** What logs in as an entity or group tempgrant does not see. */
const ALIAS_TYPES = new Set(["vault_identity_entity_alias", "vault_identity_group_alias"]);

/** The policies named, as roles; `root` (Vault lower-cases policy names) and what is not a name, as wide. */
function policyScope(
  values: Record<string, unknown>,
  attributes: readonly string[] = POLICY_ATTRIBUTES,
): GrantedScope {
  const roles: string[] = [];
  const wide: string[] = [];
  for (const attribute of attributes) {
    const value = values[attribute];
    if (value === undefined || value === null) continue;
    // Vault's API also takes a comma-separated list.
    const list = typeof value === "string" ? value.split(",").filter((item) => item.trim() !== "") : value;
    if (!Array.isArray(list)) {
      wide.push(`Vault policies tempgrant cannot read (${attribute})`);
      continue;
    }
    for (const item of list) {
      if (typeof item !== "string") wide.push(`a Vault policy tempgrant cannot read (${attribute})`);
      else {
        roles.push(item);
        if (item.trim().toLowerCase() === "root")
          wide.push(`the Vault policy ${JSON.stringify(item)} (every path, every capability)`);
      }
    }
  }
  return withWide({ privileges: [], roles, flags: [] }, wide);
}

function aliasScope(type: string, values: Record<string, unknown>): GrantedScope {
  const of = type === "vault_identity_entity_alias" ? "entity" : "group";
  return withWide(EMPTY_SCOPE, [
    `the policies of the Vault ${of} ${JSON.stringify(values.canonical_id ?? null)}, which tempgrant does not read (an alias logs in as it)`,
  ]);
}

/**
 * The part of a path from Vault's own configuration on (`sys/…`, `auth/…`, `identity/…`),
 * after any namespace in front of it; null for a path of a secrets engine. A path that is not
 * text is read as configuration.
 */
function configurationPath(path: unknown): string | null {
  if (typeof path !== "string") return "";
  const segments = path
    .trim()
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".");
  const at = segments.findIndex((segment) => ["sys", "auth", "identity"].includes(segment.toLowerCase()));
  return at < 0 ? null : segments.slice(at).join("/");
}

/** A policy written through `sys/policy/<name>` or `sys/policies/acl/<name>`. */
const POLICY_PATH = /^sys\/(?:policy|policies\/acl)\/[^/]+$/i;
/** A login that names its policies: an auth method's user or group, an identity entity or group. */
const LOGIN_PATH =
  /^(?:auth\/[^/]+\/(?:users?|groups?)\/[^/]+|identity\/(?:entity|group)\/(?:name\/)?[^/]+)$/i;
/**
 * An auth method's role or certificate (`auth/<mount>/role/<x>`, `auth/token/roles/<x>`,
 * `auth/<mount>/certs/<x>`): who it lets in is read only on the typed resources
 * (auth-roles.ts), whose type says the method; a mount's name does not.
 */
const AUTH_ROLE_PATH = /^auth\/[^/]+\/(?:roles?|certs)\/[^/]+$/i;

/** A write through a generic endpoint to Vault's own configuration: read as the policy or login it writes. */
function genericScope(values: Record<string, unknown>): GrantedScope {
  const path = configurationPath(values.path);
  if (path === null) return EMPTY_SCOPE;
  const where = JSON.stringify(values.path ?? null);
  let body: unknown;
  try {
    body = typeof values.data_json === "string" ? JSON.parse(values.data_json) : undefined;
  } catch {
    body = undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return withWide(EMPTY_SCOPE, [`a write to the Vault path ${where} whose body tempgrant cannot read`]);
  const fields = body as Record<string, unknown>;
  if (POLICY_PATH.test(path)) return withWide(EMPTY_SCOPE, vaultPolicyWide(fields.policy));
  if (LOGIN_PATH.test(path)) return policyScope(fields);
  if (AUTH_ROLE_PATH.test(path)) {
    const scope = policyScope(fields);
    return withWide(scope, [
      ...(scope.wide ?? []),
      `an auth role written through a generic endpoint (path ${where}), which tempgrant does not read; use the typed resource`,
    ]);
  }
  return withWide(EMPTY_SCOPE, [
    `a write to Vault's own configuration (path ${where}), which tempgrant does not read`,
  ]);
}
