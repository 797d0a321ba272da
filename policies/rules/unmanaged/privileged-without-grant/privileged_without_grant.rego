# METADATA
# title: No privileged resource outside a grant
# description: |
#   Every privileged resource (privilegedTypes in tempgrant.yaml) that the plan creates or
#   changes belongs to a grant record, so no standing access is smuggled in beside the
#   grants. Removing such a resource is always allowed.
# custom:
#   id: unmanaged/privileged-without-grant
#   severity: deny
package tempgrant.rules.unmanaged.privileged_without_grant

import rego.v1

import data.tempgrant.lib

# Judges one grant (with the resources it owns) or one resource at a time, so a large plan
# may be checked in parts: see data.tempgrant.main.partitionable.
per_item := true

deny contains lib.violation("unmanaged/privileged-without-grant", null, resource.address, message) if {
	some resource in input.resources
	resource.privileged
	resource.action in {"create", "update", "replace"}
	resource.owner == null
	message := sprintf("%s (%s) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry", [resource.address, resource.type])
}
