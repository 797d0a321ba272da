# METADATA
# title: No privileged resource outside a grant
# description: |
#   Every privileged resource (privilegedTypes in tempgrant.yaml) that the plan creates,
#   changes or moves belongs to exactly one grant record that exists after the plan (not
#   being deleted) and lists its exact address, so no standing access is smuggled in beside
#   the grants: a moved block that takes a grant's resource away from its deleted record, an
#   address two grants list, an instance (count, for_each) the record does not list. A
#   privileged resource tofu would forget (a removed block with destroy = false, or a
#   replacement under lifecycle destroy = false), or any resource a grant lists that it would
#   forget, stays in the target with nothing to revoke it: denied too. Removing such a
#   resource is always allowed.
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
	not shared(resource)
	message := sprintf("%s (%s) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry", [resource.address, resource.type])
}

deny contains lib.violation("unmanaged/privileged-without-grant", null, resource.address, message) if {
	some resource in input.resources
	previous := resource.previousAddress
	previous != null
	resource.privileged
	not resource.action in {"create", "update", "replace", "delete"}
	resource.owner == null
	message := sprintf("%s (%s) was moved from %s and belongs to no grant that stays: a moved block cannot turn a grant's access into standing access", [resource.address, resource.type, previous])
}

deny contains lib.violation("unmanaged/privileged-without-grant", null, resource.address, message) if {
	some resource in input.resources
	claims := resource.claimedBy
	count(claims) > 1
	resource.privileged
	resource.action != "delete"
	message := sprintf("%s (%s) is listed by grants %s: an address belongs to one grant", [resource.address, resource.type, concat(", ", sort(claims))])
}

deny contains lib.violation("unmanaged/privileged-without-grant", resource.owner, resource.address, message) if {
	some resource in input.resources
	resource.action == "forget"
	access(resource)
	message := sprintf("%s (%s) would be forgotten by tofu and stay in the target with nothing to revoke it: destroy it instead", [resource.address, resource.type])
}

# Listed by more than one live record (claimedBy is left out otherwise).
shared(resource) if count(resource.claimedBy) > 1

# What a forget would leave in the target: a privileged resource, or any resource a grant
# lists as its access (whatever its type).
access(resource) if resource.privileged

access(resource) if resource.owner != null
