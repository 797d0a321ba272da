# METADATA
# title: No wildcard, ALL or superuser access
# description: |
#   A privileged resource being created or changed may not grant everything: "*" or
#   "service:*" actions, ALL / ALL PRIVILEGES (any case or spacing), superuser or similar
#   role flags, or a forbidden role (scope.forbiddenRoles). An address or grant id listed in
#   scope.allow is exempt.
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
too_wide(scope) := ({sprintf("\"%s\"", [p]) | some p in scope.privileges; wildcard(p)} | {sprintf("the %s flag", [f]) | some f in scope.flags; f in wide_flags}) | {sprintf("the role \"%s\"", [r]) | some r in scope.roles; lower(r) in forbidden_roles}

wide_flags := {"superuser", "bypass_row_level_security", "replication", "create_role"}

forbidden_roles := {lower(role) | some role in lib.config.scope.forbiddenRoles}

wildcard(privilege) if contains(privilege, "*")

wildcard(privilege) if {
	words := [word | some word in split(upper(trim_space(privilege)), " "); word != ""]
	words in [["ALL"], ["ALL", "PRIVILEGES"]]
}
