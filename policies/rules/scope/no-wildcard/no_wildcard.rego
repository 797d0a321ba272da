# METADATA
# title: No wildcard, ALL or superuser access
# description: |
#   A privileged resource being created or changed may not grant everything: actions with
#   `*` or `?` (`service:*`, `iam:?`), ALL / ALL PRIVILEGES (any case or spacing), superuser,
#   GRANT OPTION or similar role flags, or a forbidden role (scope.forbiddenRoles; a GCP
#   custom role projects/P/roles/ID or organizations/O/roles/ID counts as roles/ID). The
#   target's own semantics are read (src/plan/scope.ts): an AWS policy grants what any Allow
#   statement grants, and NotAction, NotResource, Principal `*` and a resource wildcarded
#   beyond the last segment of a named resource (`*`, `arn:aws:s3:::*/*`, `role/*`) are
#   wildcards; an attachment of a policy, a membership of a group or an assignment of a
#   permission set the grant does not create in the same plan (an AWS-managed
#   AdministratorAccess, say) is out of scope; resource policies (S3, SQS, SNS, Secrets
#   Manager, ECR, Glue, Lambda permissions, KMS keys) are read the same way. A GCP binding to
#   allUsers, allAuthenticatedUsers, a domain, a project role holder or a whole identity pool,
#   or with a condition other than the request.time form tempgrant writes, is refused. A
#   Kubernetes binding is as wide as the role it binds (a role of the same plan, or the
#   built-in cluster-admin, admin and edit; any other `system:` role is too wide): `*`,
#   secrets, pods/exec, pods/portforward, serviceaccounts/token, nodes/proxy, writing nodes,
#   persistent volumes, API services, CRDs, roles, bindings or webhooks, relabelling
#   namespaces, approving certificates, the escalate, bind and impersonate verbs, and subjects
#   that are a whole class of users. MySQL and kin are read for ALL, SUPER, GRANT OPTION and
#   databases that are patterns (`*`, `%`, an unescaped `_`) or the `mysql` grant tables. An
#   address or grant id listed in scope.allow is exempt.
# custom:
#   id: scope/no-wildcard
#   severity: deny
package tempgrant.rules.scope.no_wildcard

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("scope/no-wildcard", object.get(resource, "owner", null), resource.address, message) if {
	some resource in input.resources
	resource.privileged
	resource.action in {"create", "update", "replace"}
	not exempt(resource)
	some what in too_wide(resource.scope)
	message := sprintf("%s grants %s; narrow it, or list it in scope.allow in tempgrant.yaml", [resource.address, what])
}

exempt(resource) if resource.address in lib.config.scope.allow

exempt(resource) if resource.owner in lib.config.scope.allow

# Everything a scope grants that is too wide, described for the message.
# `wide` (what the plan reader found too wide or could not read) is left out when empty.
too_wide(scope) := (({sprintf("\"%s\"", [p]) | some p in scope.privileges; wildcard(p)} | {sprintf("the %s flag", [f]) | some f in scope.flags; f in wide_flags}) | {sprintf("the role \"%s\"", [r]) | some r in scope.roles; forbidden_role(r)}) | {w | some w in object.get(scope, "wide", [])}

wide_flags := {"superuser", "bypass_row_level_security", "replication", "create_role", "grant_option"}

# Compared trimmed and in lower case: " roles/owner" is roles/owner to the target.
forbidden_roles := {lower(trim_space(role)) | some role in lib.config.scope.forbiddenRoles}

forbidden_role(role) if lower(trim_space(role)) in forbidden_roles

# A GCP custom role (projects/P/roles/ID, organizations/O/roles/ID) whose id is a forbidden
# predefined role's (roles/ID): "owner" is what a reviewer reads, whatever it holds.
forbidden_role(role) if {
	parts := split(lower(trim_space(role)), "/")
	count(parts) == 4
	parts[0] in {"projects", "organizations"}
	parts[2] == "roles"
	concat("/", ["roles", parts[3]]) in forbidden_roles
}

wildcard(privilege) if contains(privilege, "*")

# "?" matches any one character in IAM: iam:? .. iam:?????? together are iam:*.
wildcard(privilege) if contains(privilege, "?")

wildcard(privilege) if {
	words := [word | some word in split(upper(trim_space(privilege)), " "); word != ""]
	words in [["ALL"], ["ALL", "PRIVILEGES"]]
}
