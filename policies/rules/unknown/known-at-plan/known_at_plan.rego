# METADATA
# title: Access known at plan time
# description: |
#   A grant record whose fields (or whole value) are known only after apply, and a
#   privileged resource whose access-relevant attributes are known only after apply, are
#   denied on create, update and replace alike: what the check cannot see it cannot allow.
#   Computed identifiers (id, arn, oid, etag, create_date and the like, listed in
#   src/plan/scope.ts) say nothing about access and are not counted; for a type tempgrant
#   does not know, every other attribute is.
# custom:
#   id: unknown/known-at-plan
#   severity: deny
package tempgrant.rules.unknown.known_at_plan

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time: see
# data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("unknown/known-at-plan", grant.id, grant.address, message) if {
	# The plan reader leaves these fields out when they are empty: a lookup, not a default.
	some grant in input.grants
	paths := grant.unknown
	grant.action in {"create", "update", "replace"}
	some path in paths
	message := sprintf("grant %s: %s is known only after apply; a grant record must be written literally", [grant.id, describe(path)])
}

deny contains lib.violation("unknown/known-at-plan", resource.owner, resource.address, message) if {
	some resource in input.resources
	paths := resource.unknownAccess
	resource.privileged
	resource.action in {"create", "update", "replace"}
	some path in paths
	message := sprintf("%s (%s): %s is known only after apply; access must be decided when the plan is checked", [resource.address, resource.type, describe(path)])
}

describe("*") := "the whole value"

describe(path) := path if path != "*"
